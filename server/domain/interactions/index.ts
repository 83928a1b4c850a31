// Public surface of the interactions concept.
export * from "./bookmarks";
export * from "./local";
export * from "./remote";
export * from "./undo";
