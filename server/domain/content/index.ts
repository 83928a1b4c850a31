// Public surface of the content concept.
export * from "./hashtags";
export * from "./sanitize";
export * from "./text";
