// Table statistics kept fresh, so that the planner never plans for the empty
// tables an instance started with. PostgreSQL has its autovacuum daemon for that;
// PGlite has none, so the instance does the same arithmetic itself: a table is
// analysed once more than 50 rows + 10% of it changed since its last ANALYZE, and
// (PGlite only) vacuumed once more than 50 rows + 20% of it are dead versions —
// PostgreSQL's autovacuum thresholds. PGlite forgets those counters when it
// restarts, so a table whose size moved by more than 8 pages + 20% from the size
// its statistics were taken at counts as due too (pg_class keeps that size).
// Bulk work (a resident's large CSV import: server/jobs.ts) calls
// analyzeAfterBulkWork() when it is done rather than waiting for the next check.
import { sql } from "drizzle-orm";
import type { Database, Db } from "./open";
import { rowsOf } from "./rows";

export const ANALYZE_THRESHOLD = { base: 50, scale: 0.1 };
export const VACUUM_THRESHOLD = { base: 50, scale: 0.2 };
export const SIZE_THRESHOLD = { pages: 8, scale: 0.2 };

export interface TableUpkeep {
  table: string;
  /** rows inserted, updated or deleted since the last ANALYZE */
  changed: number;
  /** dead row versions (only acted on with PGlite) */
  dead: number;
  /** pages now, and when its statistics were taken */
  pages: number;
  statsPages: number;
  analyse: boolean;
  vacuum: boolean;
}

/** The tables of our schema that need ANALYZE (or VACUUM, on PGlite) now. */
export async function tablesDueForUpkeep(database: Pick<Database, "db" | "kind">): Promise<TableUpkeep[]> {
  const { db, kind } = database;
  // PGlite's single backend only publishes its activity counters when asked to
  await db.execute(sql`select pg_stat_force_next_flush()`);
  type Row = { table: string; changed: string | number; dead: string | number; tuples: string | number; pages: string | number; stats_pages: string | number };
  const rows = rowsOf<Row>(
    await db.execute(sql`
      select s.relname as "table", s.n_mod_since_analyze as changed, s.n_dead_tup as dead, greatest(c.reltuples, 0) as tuples,
             pg_relation_size(c.oid) / current_setting('block_size')::int as pages, c.relpages as stats_pages
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema()
      order by s.relname`),
  );
  return rows
    .map((r) => {
      const tuples = Number(r.tuples);
      const changed = Number(r.changed);
      const dead = Number(r.dead);
      const pages = Number(r.pages);
      const statsPages = Number(r.stats_pages);
      const resized = Math.abs(pages - statsPages) > SIZE_THRESHOLD.pages + SIZE_THRESHOLD.scale * statsPages;
      return {
        table: r.table,
        changed,
        dead,
        pages,
        statsPages,
        analyse: resized || changed > ANALYZE_THRESHOLD.base + ANALYZE_THRESHOLD.scale * tuples,
        vacuum: kind === "pglite" && (resized || dead > VACUUM_THRESHOLD.base + VACUUM_THRESHOLD.scale * tuples),
      };
    })
    .filter((t) => t.analyse || t.vacuum);
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One pass: analyses (and on PGlite vacuums) the tables that need it; returns what was done. */
export async function upkeepTables(database: Pick<Database, "db" | "kind">): Promise<TableUpkeep[]> {
  const due = await tablesDueForUpkeep(database);
  for (const t of due) {
    const table = sql.raw(quoted(t.table));
    if (t.vacuum) await database.db.execute(sql`vacuum (analyze) ${table}`);
    else await database.db.execute(sql`analyze ${table}`);
  }
  return due;
}

/** After bulk work (a large import): fresh statistics for every table at once. */
export async function analyzeAfterBulkWork(db: Db): Promise<void> {
  await db.execute(sql`analyze`);
}

export interface UpkeepLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TableUpkeepTimer {
  /** runs a pass now (after the one in progress, if any) */
  runNow(): Promise<TableUpkeep[]>;
  /** stops the timer and waits for a pass in progress */
  stop(): Promise<void>;
}

/**
 * Checks every `intervalMs` (0: never) and once soon after start-up, so that an
 * instance restarted on data its planner has no statistics for catches up at once.
 */
export function startTableUpkeep(database: Pick<Database, "db" | "kind">, intervalMs: number, logger: UpkeepLogger): TableUpkeepTimer {
  let running: Promise<TableUpkeep[]> = Promise.resolve([]);
  let stopped = false;
  const pass = (): Promise<TableUpkeep[]> => {
    running = running.then(async () => {
      if (stopped) return [];
      try {
        const done = await upkeepTables(database);
        if (done.length) {
          logger.info({ tables: done.map((t) => `${t.table}${t.vacuum ? " (vacuum)" : ""}`) }, "table statistics refreshed");
        }
        return done;
      } catch (err) {
        logger.error({ err }, "table statistics upkeep failed");
        return [];
      }
    });
    return running;
  };
  const timers: NodeJS.Timeout[] = [];
  if (intervalMs > 0) {
    const first = setTimeout(() => void pass(), Math.min(intervalMs, 2_000));
    const every = setInterval(() => void pass(), intervalMs);
    first.unref();
    every.unref();
    timers.push(first, every);
  }
  return {
    runNow: pass,
    async stop() {
      for (const t of timers) clearTimeout(t);
      stopped = true;
      await running;
    },
  };
}
