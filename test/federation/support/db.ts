// A database that can be closed and opened again with its data: a PGlite data
// directory, or a PostgreSQL database kept until drop(). For restart tests.
import { openDatabase, type Database } from "../../../server/db/open";
import { createPostgresDatabase, testDbKind } from "../../helpers/db";

export interface ReopenableDatabase {
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function reopenableDatabase(dataDir: string): Promise<ReopenableDatabase> {
  if (testDbKind() === "pglite") return { open: () => openDatabase({ dataDir }), drop: async () => {} };
  const created = await createPostgresDatabase();
  return { open: () => openDatabase({ url: created.url, poolSize: 5 }), drop: created.drop };
}
