// Public surface of the instance concept.
export * from "./instance";
export * from "./settings";
