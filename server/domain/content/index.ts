// Public surface of the content concept.
export * from "./sanitize";
export * from "./text";
