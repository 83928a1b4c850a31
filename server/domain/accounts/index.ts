// Public surface of the accounts concept.
export * from "./aliases";
export * from "./cache";
export * from "./local";
export * from "./remote";
export * from "./suggestions";
export * from "./usage-limits";
export * from "./passwords";
export * from "./public";
export * from "./read";
export * from "./instance-account";
