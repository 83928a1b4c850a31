// Sortable 64-bit ids, like Mastodon's: milliseconds since the epoch in the high
// 48 bits, a per-process sequence in the low 16. Carried as decimal strings.
let lastMs = 0;
let sequence = 0;

export function newId(at: Date = new Date()): string {
  let ms = at.getTime();
  if (ms <= lastMs) {
    sequence = (sequence + 1) & 0xffff;
    if (sequence === 0) lastMs += 1;
    ms = lastMs;
  } else {
    lastMs = ms;
    // random start so that two processes rarely collide within one millisecond
    sequence = Math.floor(Math.random() * 0x4000);
  }
  return ((BigInt(ms) << 16n) | BigInt(sequence)).toString();
}

/** The smallest id that could have been generated at or after `at` (for date-based cursors). */
export function idAt(at: Date): string {
  return (BigInt(at.getTime()) << 16n).toString();
}

const ID_PATTERN = /^[0-9]{1,19}$/;

/** True when `value` can be an id (digits only, fits in a signed 64-bit integer). */
export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value) && BigInt(value) <= 9223372036854775807n;
}
