// Public surface of the follows concept.
export * from "./follows";
export * from "./remote";
export * from "./collections";
export * from "./reconfirm";
export * from "./kept";
export * from "./move";
