// Public surface of the filters concept.
export * from "./filters";
