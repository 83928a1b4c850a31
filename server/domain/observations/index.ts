// Public surface of the observations concept: cameras and civic issues, each a
// status with a place and structured OpenStreetMap tags (ADR 0023).
export * from "./tags";
export * from "./text";
export * from "./create";
export * from "./changes";
export * from "./read";
export * from "./remote";
