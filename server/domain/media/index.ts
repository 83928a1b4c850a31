// Public surface of the media concept.
export * from "./attachments";
export * from "./files";
export * from "./focus";
export * from "./process";
export * from "./upload";
