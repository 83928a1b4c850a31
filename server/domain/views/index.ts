// Public surface of the views concept.
export * from "./conversations";
export * from "./notifications";
export * from "./statuses";
