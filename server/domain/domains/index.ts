// Public surface of the domains concept.
export * from "./delivery-failures";
export * from "./policies";
