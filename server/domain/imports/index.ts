// Public surface of the imports concept: Mastodon CSV files brought into Parvis.
export * from "./imports";
