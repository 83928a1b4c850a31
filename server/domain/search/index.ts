// Public surface of the search concept.
export * from "./search";
export * from "./accounts";
