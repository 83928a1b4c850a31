// Public surface of the export concept: a resident's archive of their data.
export * from "./exports";
export { parseCsv, csvLine, type CsvRecord } from "./csv";
export { ZipWriter, ZipTooLarge } from "./zip";
