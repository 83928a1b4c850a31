// Public surface of the announcements concept.
export * from "./announcements";
