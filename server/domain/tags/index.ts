// Public surface of the tags concept.
export * from "./follows";
