// Public surface of the visibility concept: who may see a status.
export * from "./moderation";
export * from "./visibility";
