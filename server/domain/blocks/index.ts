// Public surface of the blocks concept.
export * from "./blocks";
export * from "./mutes";
export * from "./remote";
