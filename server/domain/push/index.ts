// Public surface of the push concept.
export * from "./subscriptions";
