// Prepared statements for the hottest read paths (authentication, serializing
// statuses and accounts). Drizzle builds the SQL once per database handle and
// PostgreSQL plans it once per connection (node-postgres named statements):
// together that is most of the cost of a small query. On PGlite the SQL is
// still built only once. Names are global to a connection: one name, one text.
import type { DbOrTx } from "./open";

const byHandle = new WeakMap<object, Map<string, unknown>>();

/** The prepared statement `name` on this handle, built by `build` the first time. */
export function prepared<T>(db: DbOrTx, name: string, build: (db: DbOrTx) => T): T {
  let statements = byHandle.get(db);
  if (!statements) {
    statements = new Map();
    byHandle.set(db, statements);
  }
  let statement = statements.get(name) as T | undefined;
  if (statement === undefined) {
    statement = build(db);
    statements.set(name, statement);
  }
  return statement;
}
