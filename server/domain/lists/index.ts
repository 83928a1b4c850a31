// Public surface of the lists concept.
export * from "./lists";
