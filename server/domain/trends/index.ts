// Public surface of the trends concept.
export * from "./trends";
