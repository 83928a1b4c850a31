// Public surface of the privacy concept.
export * from "./privacy";
