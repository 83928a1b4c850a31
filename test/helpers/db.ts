// A fresh, migrated database for a test file: PGlite in memory (from a migrated
// template, to keep start-up fast), or a new database on TEST_DATABASE_URL.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase, type Database, type Db } from "../../server/db/open";
import * as schema from "../../server/db/schema";

export type TestDbKind = "pglite" | "postgres";

export function testDbKind(): TestDbKind {
  return process.env.PARVIS_TEST_DB === "postgres" && process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
}

let template: Promise<Blob> | undefined;

async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDatabase({});
    const client = (db.db as unknown as { $client: PGlite }).$client;
    const blob = await client.dumpDataDir("none");
    await db.close();
    return blob as Blob;
  })();
  return template;
}

async function openPgliteFromTemplate(): Promise<Database> {
  const client = await PGlite.create({ loadDataDir: await pgliteTemplate() });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return { db, kind: "pglite", pool: undefined, close: () => client.close() };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty PostgreSQL database on the test server; returns its URL and a function that drops it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `parvis_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function openTestDatabase(): Promise<Database> {
  if (testDbKind() === "pglite") return openPgliteFromTemplate();
  const created = await createPostgresDatabase();
  const database = await openDatabase({ url: created.url, poolSize: 5 });
  return {
    ...database,
    close: async () => {
      await database.close();
      await created.drop();
    },
  };
}

/** Empties every table (between tests), whatever tables the schema has. */
export async function resetDatabase(db: Db): Promise<void> {
  const result = await db.execute(sql`select tablename from pg_tables where schemaname = current_schema()`);
  const rows = ((result as { rows?: { tablename: string }[] }).rows ?? []) as { tablename: string }[];
  const names = rows.map((r) => `"${r.tablename}"`);
  if (names.length) await db.execute(sql.raw(`truncate ${names.join(", ")} cascade`));
}
