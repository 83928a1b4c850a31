// How deep and how large a JSON document from outside may be before anything
// expensive (JSON-LD expansion, Fedify's vocabulary parsing, our own recursive
// walks) reads it. Measured without recursion, so a hostile document cannot
// overflow the stack here, and stopped at the first limit passed.

export interface JsonLimits {
  /** deepest nesting of objects and arrays (the document itself is depth 1) */
  maxDepth: number;
  /** most values in the document: objects, arrays, strings, numbers, booleans, nulls */
  maxNodes: number;
}

/**
 * ActivityPub documents: inbox bodies, queued inbox messages, fetched objects.
 * Real activities nest 6 deep and hold 150 values at most (the Mastodon, Misskey,
 * Lemmy and Mobilizon fixtures); these limits leave a wide margin, while Fedify's
 * parsing of the worst document they allow stays a few hundred milliseconds
 * (it costs about 0.15 ms a value on a small machine, and grows much faster
 * than linearly with depth).
 */
export const ACTIVITY_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxNodes: 2_000 };

/** Fetched JSON-LD contexts: a list of term definitions, larger but flat. */
export const CONTEXT_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxNodes: 10_000 };

/** Request bodies of the client API: forms, never deep. */
export const API_JSON_LIMITS: JsonLimits = { maxDepth: 32, maxNodes: 20_000 };

export type JsonLimitExceeded = "depth" | "nodes";

/** Which limit a parsed JSON value passes, or null when it is within both. */
export function exceedsJsonLimits(value: unknown, limits: JsonLimits): JsonLimitExceeded | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (++nodes > limits.maxNodes) return "nodes";
    if (current === null || typeof current !== "object") continue;
    if (depth > limits.maxDepth) return "depth";
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return null;
}

/** A short English sentence for a refusal. */
export function describeJsonLimit(exceeded: JsonLimitExceeded, limits: JsonLimits): string {
  return exceeded === "depth"
    ? `JSON nested deeper than ${limits.maxDepth} levels`
    : `JSON with more than ${limits.maxNodes} values`;
}
