// Public surface of the moderation concept.
export * from "./reports";
export * from "./log";
export * from "./logged-changes";
