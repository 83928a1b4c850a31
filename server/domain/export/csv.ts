// CSV as Mastodon writes and reads its exports (RFC 4180: comma, quotes
// doubled, CRLF or LF line ends accepted on reading).

/** One line, fields quoted when they hold a comma, a quote or a line break. */
export function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(",") + "\n";
}

export interface CsvRecord {
  /** line number where the record starts (1 = first line) */
  line: number;
  fields: string[];
  /** set when the record could not be read (an unclosed quote) */
  error?: string;
}

/** Splits a whole CSV text into records; blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let error: string | undefined;
    for (;;) {
      if (i >= src.length) {
        if (quoted) error = "unclosed quote";
        fields.push(field);
        break;
      }
      const c = src[i];
      if (quoted) {
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === "\n") line++;
          field += c;
          i++;
        }
      } else if (c === '"' && field === "") {
        quoted = true;
        i++;
      } else if (c === ",") {
        fields.push(field);
        field = "";
        i++;
      } else if (c === "\n" || c === "\r") {
        fields.push(field);
        i += c === "\r" && src[i + 1] === "\n" ? 2 : 1;
        line++;
        break;
      } else {
        field += c;
        i++;
      }
    }
    if (fields.length === 1 && fields[0].trim() === "" && !error) continue;
    records.push(error ? { line: start, fields, error } : { line: start, fields });
  }
  return records;
}
