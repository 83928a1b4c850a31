// Public surface of the access concept.
export * from "./apps";
export * from "./oauth-codes";
export * from "./sessions";
