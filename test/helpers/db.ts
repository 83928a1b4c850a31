// A fresh, migrated database for a test file: PGlite in memory (from a migrated
// template, to keep start-up fast), or a new database on TEST_DATABASE_URL.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { sql } from "drizzle-orm";
import pg from "pg";
import { migrationsFolder, openDatabase, pgliteStartParams, type Database, type Db } from "../../server/db/open";
import * as schema from "../../server/db/schema";

export type TestDbKind = "pglite" | "postgres";

export function testDbKind(): TestDbKind {
  return process.env.PARVIS_TEST_DB === "postgres" && process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
}

let template: Promise<Blob> | undefined;

/**
 * Where the migrated template is kept between test processes (each test file runs
 * in its own fork): named after the migrations and the PGlite version, so that a
 * new migration or a PGlite upgrade makes a new one. Creating it costs seconds
 * (initdb and the migrations); loading it, a fraction of that.
 */
function templateFile(): string {
  const hash = createHash("sha256");
  hash.update(`pglite ${pgliteVersion()}`);
  for (const name of readdirSync(migrationsFolder).sort()) {
    if (name.endsWith(".sql")) hash.update(name).update(readFileSync(join(migrationsFolder, name)));
  }
  return join(tmpdir(), `parvis-pglite-template-${hash.digest("hex").slice(0, 16)}.tar`);
}

function pgliteVersion(): string {
  try {
    return JSON.parse(readFileSync(join(process.cwd(), "node_modules/@electric-sql/pglite/package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = templateFile();
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const db = await openDatabase({});
    const client = (db.db as unknown as { $client: PGlite }).$client;
    const blob = (await client.dumpDataDir("none")) as Blob;
    await db.close();
    // write then rename: a concurrent test process never reads half a file
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    renameSync(partial, file);
    return blob;
  })();
  return template;
}

async function openPgliteFromTemplate(): Promise<Database> {
  // the instance's memory settings (16 MB of shared buffers instead of PGlite's 128 MB, per test file)
  const client = await PGlite.create({ loadDataDir: await pgliteTemplate(), startParams: pgliteStartParams(PGlite.defaultStartParams) });
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

/**
 * Empties every table (between tests), whatever tables the schema has. Only the
 * tables that hold rows are emptied, with DELETE and foreign-key triggers off:
 * on a few small tables that is 10–30× faster than TRUNCATE (≈50 ms instead of
 * ≈800 ms per test on PostgreSQL). Falls back to TRUNCATE without superuser rights.
 */
export async function resetDatabase(db: Db): Promise<void> {
  const result = await db.execute(sql`select tablename from pg_tables where schemaname = current_schema()`);
  const rows = ((result as { rows?: { tablename: string }[] }).rows ?? []) as { tablename: string }[];
  if (rows.length === 0) return;
  const probe = rows.map((r) => `select '${r.tablename}' as name where exists (select 1 from "${r.tablename}")`).join(" union all ");
  const dirty = (((await db.execute(sql.raw(probe))) as { rows?: { name: string }[] }).rows ?? []).map((r) => `"${r.name}"`);
  if (dirty.length === 0) return;
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw("set local session_replication_role = replica"));
      for (const name of dirty) await tx.execute(sql.raw(`delete from ${name}`));
    });
  } catch {
    await db.execute(sql.raw(`truncate ${rows.map((r) => `"${r.tablename}"`).join(", ")} cascade`));
  }
}
