// Public surface of the conversations concept.
export * from "./conversations";
