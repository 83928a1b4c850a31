// Public surface of the timelines concept.
export * from "./markers";
export * from "./timelines";
export * from "./places";
