// Table statistics: ANALYZE after migrations, the upkeep that stands in for
// autovacuum on PGlite, and no cold-statistics cliff for a commune that grows
// from an empty database (home timeline right after seeding within 2× of after ANALYZE).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config";
import { tablesDueForUpkeep, upkeepTables } from "../../server/db/maintenance";
import { openDatabase, type Database } from "../../server/db/open";
import { homeTimeline } from "../../server/domain/timelines";
import { rowsOf } from "../../server/db/rows";
import { EventBus } from "../../server/events";
import { seedSmallCommune } from "../../bench/lib/small-commune";
import { createPostgresDatabase, testDbKind } from "../helpers/db";

const kind = testDbKind();
const opened: { database: Database; reopen: () => Promise<Database>; dispose: () => Promise<void> }[] = [];

/** A new, empty database of the project's kind, opened through openDatabase (migrations included). */
async function freshDatabase(): Promise<{ database: Database; reopen: () => Promise<Database> }> {
  if (kind === "postgres") {
    const created = await createPostgresDatabase();
    const open = () => openDatabase({ url: created.url, poolSize: 2 });
    const entry = { database: await open(), reopen: open, dispose: created.drop };
    // the daemon must not analyse behind the tests' back: what they check is our own upkeep
    await entry.database.db.execute(sql`alter table domain_policies set (autovacuum_enabled = false)`);
    opened.push(entry);
    return entry;
  }
  const dir = mkdtempSync(join(tmpdir(), "parvis-stats-"));
  // (PGlite has no autovacuum daemon to keep away)
  const open = () => openDatabase({ dataDir: join(dir, "pglite") });
  const entry = { database: await open(), reopen: open, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  opened.push(entry);
  return entry;
}

afterEach(async () => {
  for (const entry of opened.splice(0)) {
    await entry.database.close().catch(() => {});
    await entry.dispose();
  }
});

async function lastAnalyze(database: Database, table: string): Promise<string | null> {
  const rows = rowsOf<{ at: string | Date | null }>(
    await database.db.execute(sql`select coalesce(last_analyze, last_autoanalyze) as at from pg_stat_user_tables where relname = ${table}`),
  );
  const at = rows[0]?.at ?? null;
  return at === null ? null : new Date(at).toISOString();
}

async function reltuples(database: Database, table: string): Promise<number> {
  const rows = rowsOf<{ n: number }>(await database.db.execute(sql`select reltuples as n from pg_class where relname = ${table}`));
  return Number(rows[0]?.n);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe("table statistics", () => {
  it("opening a new database analyses every table once the migrations have run", async () => {
    const { database } = await freshDatabase();
    // -1: never analysed; 0: analysed, and empty
    for (const table of ["statuses", "follows", "accounts", "access_tokens"]) {
      expect(await reltuples(database, table), table).toBe(0);
    }
  });

  it("the server's PostgreSQL connections run with JIT off (PGlite has no JIT to turn off)", async () => {
    const { database } = await freshDatabase();
    const rows = rowsOf<{ jit: string }>(await database.db.execute(sql`select current_setting('jit') as jit`));
    if (kind === "postgres") expect(rows[0].jit).toBe("off");
    else expect(["on", "off"]).toContain(rows[0].jit);
  });

  it("opening a database with no new migration does not analyse it again", async () => {
    const entry = await freshDatabase();
    await entry.database.db.execute(sql`insert into domain_policies (domain, policy) select 'd' || g || '.example', 'block' from generate_series(1, 300) g`);
    await entry.database.close();
    entry.database = await entry.reopen();
    expect(await reltuples(entry.database, "domain_policies")).toBe(0);
  });

  it("a table that grew while the instance was stopped is due for upkeep when it starts again", async () => {
    const entry = await freshDatabase();
    await entry.database.db.execute(
      sql`insert into domain_policies (domain, policy, reason) select 'd' || g || '.example', 'block', repeat('spam ', 20) from generate_series(1, 2000) g`,
    );
    await entry.database.close();
    entry.database = await entry.reopen();
    const due = await tablesDueForUpkeep(entry.database);
    expect(due.map((t) => t.table)).toContain("domain_policies");
    await upkeepTables(entry.database);
    expect(await reltuples(entry.database, "domain_policies")).toBe(2000);
    expect((await tablesDueForUpkeep(entry.database)).map((t) => t.table)).not.toContain("domain_policies");
  });

  it("the upkeep analyses a table after many rows changed and leaves the quiet ones alone", async () => {
    const { database } = await freshDatabase();
    await database.db.execute(
      sql`insert into domain_policies (domain, policy) select 'd' || g || '.example', 'block' from generate_series(1, 300) g`,
    );
    const due = await tablesDueForUpkeep(database);
    expect(due.map((t) => t.table)).toEqual(["domain_policies"]);
    expect(due[0].changed).toBe(300);
    const before = await lastAnalyze(database, "domain_policies");
    const done = await upkeepTables(database);
    expect(done.map((t) => t.table)).toEqual(["domain_policies"]);
    expect(await lastAnalyze(database, "domain_policies")).not.toBe(before);
    expect(await reltuples(database, "domain_policies")).toBe(300);
    expect(await tablesDueForUpkeep(database)).toEqual([]);
  });

  it("dead rows are vacuumed by the upkeep on PGlite and left to autovacuum on PostgreSQL", async () => {
    const { database } = await freshDatabase();
    await database.db.execute(
      sql`insert into domain_policies (domain, policy) select 'd' || g || '.example', 'block' from generate_series(1, 300) g`,
    );
    await upkeepTables(database);
    await database.db.execute(sql`update domain_policies set policy = 'allow'`);
    const due = await tablesDueForUpkeep(database);
    expect(due.find((t) => t.table === "domain_policies")?.vacuum).toBe(kind === "pglite");
    await upkeepTables(database);
    if (kind === "pglite") {
      await database.db.execute(sql`select pg_stat_force_next_flush()`);
      const rows = rowsOf<{ dead: number; vacuumed: string | null }>(
        await database.db.execute(sql`select n_dead_tup as dead, last_vacuum as vacuumed from pg_stat_user_tables where relname = 'domain_policies'`),
      );
      expect(Number(rows[0].dead)).toBe(0);
      expect(rows[0].vacuumed).not.toBeNull();
    }
  });

  it("a home timeline read right after seeding a commune is within 2× of the same read after ANALYZE", { timeout: 240_000 }, async () => {
    const { database } = await freshDatabase();
    const config = loadConfig({ PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789", PARVIS_DATA_DIR: tmpdir() });
    const ctx = { db: database.db, events: new EventBus(), config };
    const residents = await seedSmallCommune(ctx, database.db);
    const read = async (): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < 150; i++) {
        const t0 = performance.now();
        const page = await homeTimeline(ctx, residents[i % residents.length].accountId, { limit: 20 });
        times.push(performance.now() - t0);
        expect(page.length).toBe(20);
      }
      return times;
    };
    const cold = median(await read());
    await database.db.execute(sql`analyze`);
    await read(); // the same warm-up the cold reads had
    const analysed = median(await read());
    expect(cold / analysed).toBeLessThanOrEqual(2);
  });
});
