// The rows of a raw `db.execute(sql...)` result. node-postgres and PGlite both
// answer { rows }, some drivers a bare array: the access lives here once, below
// the domain, so that every layer (domain, maintenance, tests) can use it
// without importing a concept for it.

export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] } | T[] | null | undefined;
  if (Array.isArray(r)) return r;
  return r?.rows ?? [];
}
