// Opens the database: embedded PGlite (default, data on disk) or a PostgreSQL
// server through a node-postgres pool (DATABASE_URL). Same schema, same queries.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { paths } from "../paths";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { sql } from "drizzle-orm";
import type { Config, PgliteSettings } from "../config";
import { createPgliteInChildProcess, pgliteDataDirectoryExists, type PgliteCreation } from "./pglite-create";
import { pgliteWasmModule } from "./pglite-wasm";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A database handle or a transaction on it: domain functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** the node-postgres pool when on a server (for LISTEN/NOTIFY based adapters) */
  pool: pg.Pool | undefined;
  /** PGlite only: the last stop was not clean, and it replayed its write-ahead log on opening */
  recovered?: boolean;
  /** PGlite only: the data directory was new, and a child process created the database (pglite-create.ts) */
  created?: PgliteCreation;
  /** PGlite only: why its WebAssembly got no compilation hints although the process runs under their flags (pglite-wasm.ts) */
  compilationWarning?: string;
  /** flushes (PGlite: CHECKPOINT) and closes */
  close(): Promise<void>;
}

export const migrationsFolder = paths.migrations;

export interface OpenOptions {
  /** postgres:// URL; absent = PGlite */
  url?: string;
  /** PGlite data directory; "memory://" keeps it in memory */
  dataDir?: string;
  poolSize?: number;
  /** PGlite's memory settings (config.pglite); the defaults below otherwise */
  pglite?: Partial<PgliteSettings>;
  /** PGlite on disk: create a new data directory in a child process, so that this one never holds what creation costs */
  createInChildProcess?: boolean;
}

/** Where the configuration says the database is: DATABASE_URL, else PGlite in the data dir. */
export function databaseOptions(config: Config): OpenOptions {
  return config.databaseUrl ? { url: config.databaseUrl } : { dataDir: `${config.dataDir}/pglite`, pglite: config.pglite, createInChildProcess: true };
}

/** What a small commune needs (docs/admin.md, "Memory"): PGlite's own defaults are 128MB / 4MB / 64MB. */
export const PGLITE_DEFAULTS: PgliteSettings = { sharedBuffers: "auto", workMem: "4MB", maintenanceWorkMem: "16MB" };

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * shared_buffers "auto": the commune's data + 25%, in steps of 8MB, between 16MB and
 * 128MB (PGlite's own default). The data is measured on disk before PGlite starts:
 * the largest database folder under base/ less the smallest (template1, catalogs
 * only), so neither the write-ahead log nor the templates count. PostgreSQL touches
 * the whole cache when it starts, so every megabyte of it is resident from the first
 * second: a small commune's database stays in a small cache (docs/admin.md, "Memory"),
 * a growing one gets a larger one at its next start.
 */
export function autoSharedBuffers(dataDir: string | undefined): string {
  const base = dataDir && !dataDir.startsWith("memory://") ? `${dataDir}/base` : undefined;
  let data = 0;
  if (base && existsSync(base)) {
    const sizes = readdirSync(base, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => directoryBytes(`${base}/${e.name}`));
    if (sizes.length > 1) data = Math.max(...sizes) - Math.min(...sizes);
  }
  const mb = Math.ceil((data * 1.25) / MB / 8) * 8;
  return `${Math.min(128, Math.max(16, mb))}MB`;
}

const MB = 1024 * 1024;

/** PGlite's start parameters: its defaults plus our memory settings. */
export function pgliteStartParams(defaults: readonly string[], settings: Partial<PgliteSettings> = {}, dataDir?: string): string[] {
  const s = { ...PGLITE_DEFAULTS, ...settings };
  const sharedBuffers = s.sharedBuffers === "auto" ? autoSharedBuffers(dataDir) : s.sharedBuffers;
  return [...defaults, "-c", `shared_buffers=${sharedBuffers}`, "-c", `work_mem=${s.workMem}`, "-c", `maintenance_work_mem=${s.maintenanceWorkMem}`];
}

/** PGlite prints this when the data directory was not shut down cleanly. */
const RECOVERY_MESSAGE = /not properly shut down|automatic recovery in progress/;

/** How many migrations the database has recorded (0 before the first). */
async function appliedMigrations(db: Db): Promise<number> {
  const rows = (await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)) as unknown as
    | { rows: { present: boolean }[] }
    | { present: boolean }[];
  const present = Array.isArray(rows) ? rows[0]?.present : rows.rows[0]?.present;
  if (!present) return 0;
  const counted = (await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as unknown as { rows: { n: number }[] } | { n: number }[];
  return Number(Array.isArray(counted) ? counted[0]?.n : counted.rows[0]?.n);
}

/**
 * Migrations, then ANALYZE when any ran: a migration may add tables, indexes or
 * columns the planner has no statistics for, or rewrite a table; without fresh
 * statistics it plans as if they were empty until something analyses them.
 */
async function migrateAndAnalyze(db: Db, run: () => Promise<void>): Promise<void> {
  const before = await appliedMigrations(db);
  await run();
  if ((await appliedMigrations(db)) !== before) await db.execute(sql`analyze`);
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    // JIT off for our sessions: our queries are short, and a plan whose cost is
    // overestimated (statistics not gathered yet) would spend ~250 ms compiling code
    // for a query that runs in 2 ms (docs/admin.md, "Statistics").
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, options: "-c jit=off" });
    // An idle client losing its server must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    await migrateAndAnalyze(db, () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder }));
    return { db, kind: "postgres", pool, close: () => pool.end() };
  }
  const dir = options.dataDir ?? "memory://";
  if (!dir.startsWith("memory://")) mkdirSync(dir, { recursive: true });
  // loaded only when used: importing PGlite costs ~180 MB of memory a PostgreSQL deployment does not need
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }, wasm] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    import("drizzle-orm/pglite/migrator"),
    pgliteWasmModule(),
  ]);
  const startParams = pgliteStartParams(PGlite.defaultStartParams, options.pglite, dir);
  let created: PgliteCreation | undefined;
  if (options.createInChildProcess && !dir.startsWith("memory://") && !pgliteDataDirectoryExists(dir)) {
    created = await createPgliteInChildProcess(dir, startParams);
  }
  let recovered = false;
  let starting = true;
  const client = await PGlite.create(dir, {
    startParams,
    ...(wasm.module ? { pgliteWasmModule: wasm.module } : {}),
    onStderr: (line: string) => {
      if (starting && RECOVERY_MESSAGE.test(line)) recovered = true;
      return false;
    },
  });
  starting = false;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migrateAndAnalyze(db, () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }));
  return {
    db,
    kind: "pglite",
    pool: undefined,
    recovered,
    created,
    compilationWarning: wasm.module ? undefined : wasm.warning,
    close: async () => {
      if (client.closed) return;
      // everything on disk now, so that the next start has nothing to replay
      await client.exec("checkpoint");
      await client.close();
    },
  };
}
