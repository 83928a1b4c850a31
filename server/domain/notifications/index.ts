// Public surface of the notifications concept.
export * from "./grouped";
export * from "./notifications";
