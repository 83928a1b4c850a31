// Public surface of the polls concept.
export * from "./polls";
