// Public surface of the moderation concept.
export * from "./accounts";
export * from "./actions";
export * from "./notes";
export * from "./purge";
export * from "./reports";
export * from "./log";
export * from "./logged-changes";
export * from "./canonical";
export * from "./log-signature";
