// Public surface of the statuses concept.
export * from "./local";
export * from "./remote";
export * from "./scheduled";
export * from "./threads";
export * from "./visibility";
export * from "./read";
