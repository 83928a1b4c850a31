// Public surface of the statuses concept.
export * from "./local";
export * from "./remote";
export * from "./scheduled";
export * from "./threads";
export * from "./outgoing";
export * from "./storage";
export * from "./listed";
