// Public surface of the group-posts concept.
export * from "./posts";
export * from "./remote";
