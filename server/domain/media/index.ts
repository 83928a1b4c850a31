// Public surface of the media concept.
export * from "./attachments";
export * from "./focus";
export * from "./process";
export * from "./upload";
export * from "./store";
export * from "./remote-cache";
export { signV4, S3MediaStore, type S3Settings } from "./s3";
