// Open data benchmark: 100,000 observations on PostgreSQL and on PGlite, a real
// Parvis on each, GET /api/parvis/observations.geojson for map-sized bounding
// boxes over HTTP, next to the raw time of the same publicObservationsPage()
// query called on the database in the same run (the baseline).
//
//   npm run bench:geojson                      full size, both databases
//   BENCH_DB=pglite BENCH_OBSERVATIONS=20000 BENCH_REQUESTS=200 npm run bench:geojson
//
// Figures go to stdout (Markdown) and, for full-size runs or BENCH_DOCS=1, to the
// "Open data: GeoJSON" section of docs/performance.md.
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import type { Config } from "../server/config";
import { openDatabase, type Database, type Db } from "../server/db/open";
import { rowsOf } from "../server/db/rows";
import { registerAccount } from "../server/domain/accounts";
import type { DomainContext } from "../server/domain/context";
import { publicObservationsPage } from "../server/domain/open-data";
import type { BoundingBox } from "../server/domain/places";
import { createInstance } from "../server/instance";
import { createLogger } from "../server/logger";
import { defaultModules } from "../server/modules";
import { runLoad, type LoadRequest, type LoadResult } from "./lib/http-load";
import { machineInfo, summarize, updateDocSection, type Summary } from "./lib/perf-report";
import { cleanUpOnInterrupt, cleanups, prepareBenchSite } from "./lib/throwaway";

// ── parameters ──────────────────────────────────────────────────────────────

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

const DEFAULTS = { observations: 100_000, residents: 20, requests: 1000, concurrency: 4, limit: 100 };
const params = {
  observations: intEnv("BENCH_OBSERVATIONS", DEFAULTS.observations, 100),
  residents: intEnv("BENCH_RESIDENTS", DEFAULTS.residents, 1),
  requests: intEnv("BENCH_REQUESTS", DEFAULTS.requests, 10),
  concurrency: intEnv("BENCH_CONCURRENCY", DEFAULTS.concurrency, 1),
  /** features a page (the endpoint's default) */
  limit: intEnv("BENCH_LIMIT", DEFAULTS.limit, 1),
};
const dbChoice = (process.env.BENCH_DB ?? "both").toLowerCase();
if (!["postgres", "pglite", "both"].includes(dbChoice)) throw new Error(`BENCH_DB must be postgres, pglite or both (got "${dbChoice}")`);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const fullSize = Object.entries(DEFAULTS).every(([k, v]) => params[k as keyof typeof params] === v);
const writeDocs = process.env.BENCH_DOCS === "1" || (process.env.BENCH_DOCS !== "0" && fullSize);

/** PGlite's memory for a database of this size, as docs/admin.md advises for a bigger commune. */
const BIG_COMMUNE_PGLITE = { sharedBuffers: "128MB", maintenanceWorkMem: "64MB" };

/** The commune: a box of about 16 × 22 km around Grenoble. */
const AREA = { minLon: 5.62, minLat: 45.12, maxLon: 5.82, maxLat: 45.26 };

const started = performance.now();
function log(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s] ${message}`);
}

/** Deterministic PRNG (mulberry32): both databases get the same boxes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function scalar(db: Db, query: string): Promise<number> {
  return Number(rowsOf<{ n: string | number }>(await db.execute(sql.raw(query)))[0]?.n ?? 0);
}

/** A uniform value in [0, 1) from a row number and a salt, the same on every PostgreSQL. */
function u(expr: string, salt: number): string {
  return `((hashint4(((${expr}) * 16 + ${salt})::int)::bigint + 2147483648) / 4294967296.0)`;
}

// ── seeding ─────────────────────────────────────────────────────────────────

const DAY = 86_400_000;

/**
 * Residents through registerAccount; observations by bulk SQL shaped as
 * createObservation writes them: a status with its place, the observation row.
 * 90% public, 5% unlisted, 5% followers-only (not published); 80% cameras.
 * Points are spread over the commune with denser centres (a town centre, two
 * neighbourhoods), as cameras cluster.
 */
async function seed(ctx: DomainContext, db: Db, config: Config): Promise<void> {
  const authors: string[] = [];
  for (let i = 0; i < params.residents; i++) {
    const { account } = await registerAccount(ctx, { username: `bench${String(i).padStart(4, "0")}`, password: "bench password", force: true, role: "resident" });
    authors.push(account.id);
  }
  const N = params.observations;
  const start = Date.now() - 365 * DAY;
  const origin = config.origin.replace(/'/g, "''");
  const ms = `(${start} + g::bigint * ${Math.floor((365 * DAY - 3_600_000) / N)})`;
  const id = `((${ms} << 16) | (g & 65535))`;
  const authorArray = `array[${authors.join(",")}]::bigint[]`;
  const author = `(${authorArray})[1 + (g % ${authors.length})]`;
  // a third of the points around three centres (±0.01°), the rest uniform over the area
  const w = AREA.maxLon - AREA.minLon;
  const h = AREA.maxLat - AREA.minLat;
  const lon = `(case when g % 3 = 0 then (array[5.7245, 5.7000, 5.7500])[1 + (g / 3) % 3] + (${u("g", 1)} - 0.5) * 0.02 else ${AREA.minLon} + ${u("g", 2)} * ${w} end)`;
  const lat = `(case when g % 3 = 0 then (array[45.1885, 45.1700, 45.2000])[1 + (g / 3) % 3] + (${u("g", 3)} - 0.5) * 0.02 else ${AREA.minLat} + ${u("g", 4)} * ${h} end)`;
  const t0 = performance.now();
  await db.execute(
    sql.raw(`create unlogged table bench_points as
      select g, ${id} as id, ${author} as account_id, to_timestamp(${ms} / 1000.0) as at,
             round(${lat}::numeric, 7)::float8 as lat, round(${lon}::numeric, 7)::float8 as lon,
             case when g % 20 = 1 then 'unlisted' when g % 20 = 2 then 'private' else 'public' end as visibility,
             case when g % 5 = 0 then 'issue' else 'camera' end as kind
      from generate_series(1, ${N}) g`),
  );
  await db.execute(sql.raw("create index on bench_points (g)"));
  // in chunks: a trigger keeps each author's counts, and thousands of updates of one
  // account's row in a single statement make a long chain of row versions
  const CHUNK = 2000;
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(N, from + CHUNK - 1);
    await db.execute(
      sql.raw(`insert into statuses (id, uri, url, account_id, content, text, visibility, local, place_latitude, place_longitude, created_at, updated_at)
        select p.id, '${origin}/users/' || a.username || '/statuses/' || p.id, '${origin}/@' || a.username || '/' || p.id, p.account_id,
               '<p>Caméra de vidéosurveillance</p>', 'Caméra de vidéosurveillance', p.visibility, true, p.lat, p.lon, p.at, p.at
        from bench_points p join accounts a on a.id = p.account_id where p.g between ${from} and ${to}`),
    );
    await db.execute(
      sql.raw(`insert into observations (status_id, kind, latitude, longitude, tags, state, last_seen_at, confirmations_count, created_at, updated_at)
        select id, kind, lat, lon,
               case when kind = 'camera' then jsonb_build_object('man_made', 'surveillance', 'surveillance:type', 'camera',
                      'surveillance:zone', (array['public','traffic','town','parking','shop'])[1 + g % 5],
                      'camera:type', (array['fixed','dome','panning'])[1 + g % 3], 'camera:mount', (array['wall','pole','street_lamp'])[1 + g % 3],
                      'operator:type', (array['commune','state','private'])[1 + g % 3])
                    else jsonb_build_object('issue', (array['lighting','road','crossing','dumping','other'])[1 + g % 5], 'description', 'Lampadaire éteint depuis une semaine') end,
               case when g % 50 = 0 then 'gone' when g % 40 = 0 then 'gone_proposed' else 'present' end,
               at, (g % 7)::int, at, at
        from bench_points where g between ${from} and ${to}`),
    );
  }
  await db.execute(sql.raw("drop table bench_points"));
  await db.execute(sql.raw("vacuum analyze statuses"));
  await db.execute(sql.raw("vacuum analyze observations"));
  log(`  seeded ${N} observations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** A map viewport: 0.01° to 0.05° wide (about 0.8 to 4 km), somewhere in the commune. */
function viewport(random: () => number): BoundingBox {
  const width = 0.01 + random() * 0.04;
  const height = width * 0.7;
  const minLon = AREA.minLon + random() * (AREA.maxLon - AREA.minLon - width);
  const minLat = AREA.minLat + random() * (AREA.maxLat - AREA.minLat - height);
  const r = (x: number) => Math.round(x * 1e5) / 1e5;
  return { minLon: r(minLon), minLat: r(minLat), maxLon: r(minLon + width), maxLat: r(minLat + height) };
}

// ── measuring ───────────────────────────────────────────────────────────────

interface DbFigures {
  kind: "postgres" | "pglite";
  observations: number;
  published: number;
  raw: Summary;
  rawFeatures: number;
  httpSeq: Summary;
  httpConc: Summary;
  bytesPerPage: number;
  load: [number, number];
}

function checkAll(result: LoadResult, what: string): void {
  const bad = Object.entries(result.statuses).filter(([code]) => code !== "200");
  if (bad.length) throw new Error(`${what}: unexpected HTTP statuses ${JSON.stringify(result.statuses)}`);
}

async function benchOne(kind: "postgres" | "pglite"): Promise<DbFigures> {
  log(`── ${kind} ──`);
  const { dataDir, url, dropDatabase, port, config } = await prepareBenchSite(kind, { adminUrl, dirPrefix: "parvis-bench-geojson-", log });
  let database: Database | undefined;
  let instance: Awaited<ReturnType<typeof createInstance>> | undefined;
  const cleanup = async () => {
    if (instance) await instance.stop().catch((err) => log(`  stop failed: ${String(err)}`));
    else if (database) await database.close().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    if (dropDatabase) await dropDatabase().catch((err) => log(`  could not drop the database: ${String(err)}`));
  };
  cleanups.add(cleanup);
  try {
    database = await openDatabase(kind === "postgres" ? { url } : { dataDir: join(dataDir, "pglite"), pglite: BIG_COMMUNE_PGLITE });
    instance = await createInstance(config, { database, logger: createLogger(config.logLevel), modules: defaultModules(config) });
    const ctx = instance.services.domain;
    const db = instance.services.db;
    await seed(ctx, db, config);
    const observations = await scalar(db, "select count(*) as n from observations");
    const published = await scalar(db, "select count(*) as n from observations o join statuses s on s.id = o.status_id where s.visibility = 'public'");
    await instance.listen(port, "127.0.0.1");
    log(`  listening on ${instance.url}`);

    const random = prng(2026);
    const boxes = Array.from({ length: params.requests }, () => viewport(random));
    const warm = Array.from({ length: Math.max(50, Math.floor(params.requests / 10)) }, () => viewport(random));
    const loadBefore = loadavg()[0];

    // baseline: the same query on the database, no HTTP, no serialisation
    for (const bbox of warm) await publicObservationsPage(ctx, { bbox, limit: params.limit });
    const rawTimes: number[] = [];
    let features = 0;
    const rawStart = performance.now();
    for (const bbox of boxes) {
      const t0 = performance.now();
      const page = await publicObservationsPage(ctx, { bbox, limit: params.limit });
      rawTimes.push(performance.now() - t0);
      features += page.items.length;
    }
    const raw = summarize(rawTimes, performance.now() - rawStart);
    log(`  raw publicObservationsPage(): p50 ${raw.p50.toFixed(2)} ms, p99 ${raw.p99.toFixed(2)} ms (${(features / boxes.length).toFixed(1)} features a page)`);

    const get = (b: BoundingBox): LoadRequest => ({ method: "GET", path: `/api/parvis/observations.geojson?bbox=${b.minLon},${b.minLat},${b.maxLon},${b.maxLat}&limit=${params.limit}` });
    const target = { host: "127.0.0.1", port, hostHeader: config.domain };
    checkAll(await runLoad({ ...target, requests: warm.map(get), concurrency: 1 }), "warm-up");
    const seq = await runLoad({ ...target, requests: boxes.map(get), concurrency: 1 });
    checkAll(seq, "GeoJSON");
    const httpSeq = summarize(seq.latencies, seq.elapsedMs);
    log(`  GET geojson, sequential: p50 ${httpSeq.p50.toFixed(2)} ms, p99 ${httpSeq.p99.toFixed(2)} ms, ${httpSeq.throughput.toFixed(0)} req/s`);
    const conc = await runLoad({ ...target, requests: boxes.map(get), concurrency: params.concurrency });
    checkAll(conc, "GeoJSON (concurrent)");
    const httpConc = summarize(conc.latencies, conc.elapsedMs);
    log(`  GET geojson, ${params.concurrency} at a time: p50 ${httpConc.p50.toFixed(2)} ms, p99 ${httpConc.p99.toFixed(2)} ms, ${httpConc.throughput.toFixed(0)} req/s`);
    return {
      kind,
      observations,
      published,
      raw,
      rawFeatures: features / boxes.length,
      httpSeq,
      httpConc,
      bytesPerPage: seq.bytes / boxes.length,
      load: [loadBefore, loadavg()[0]],
    };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
    log(`  ${kind}: cleaned up`);
  }
}

cleanUpOnInterrupt(log);

// ── report ──────────────────────────────────────────────────────────────────

const GOAL_RATIO = 3;
const HEADING = "## Open data: GeoJSON by bounding box (bench/geojson.ts)";

function ms(v: number): string {
  return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

function renderSection(results: DbFigures[]): string {
  const m = machineInfo();
  const lines: string[] = [];
  lines.push(HEADING);
  lines.push("");
  lines.push(
    "`npm run bench:geojson` seeds each database with the same observations, starts a real Parvis on it and asks " +
      "`GET /api/parvis/observations.geojson?bbox=…` for map viewports over HTTP (keep-alive, from a worker thread, anonymous), " +
      "next to the raw time of the same `publicObservationsPage()` query called directly on the database in the same run (the baseline).",
  );
  lines.push("");
  lines.push(`- Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB memory, ${m.platform}; Node ${process.version}`);
  lines.push(`- Run: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, total ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
  lines.push(
    `- Data: ${params.observations} observations by ${params.residents} residents over a year (80% cameras, 20% issues; 90% public, 5% unlisted, 5% followers-only), ` +
      "a third clustered around three centres, the rest spread over a 16 × 22 km commune; VACUUM ANALYZE after seeding; " +
      `PGlite with \`PARVIS_PGLITE_SHARED_BUFFERS=${BIG_COMMUNE_PGLITE.sharedBuffers}\``,
  );
  lines.push(
    `- Load: ${params.requests} viewports 0.8 to 4 km wide at random in the commune, pages of ${params.limit} features, after a warm-up; sequential, then ${params.concurrency} at a time`,
  );
  lines.push("");
  lines.push("| | " + results.map((r) => (r.kind === "postgres" ? "PostgreSQL" : "PGlite")).join(" | ") + " |");
  lines.push("|---|" + results.map(() => "---:").join("|") + "|");
  const row = (label: string, f: (r: DbFigures) => string) => lines.push(`| ${label} | ${results.map(f).join(" | ")} |`);
  row("observations / published (public)", (r) => `${r.observations} / ${r.published}`);
  row("1-min load average, start → end of measuring", (r) => `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
  row("features a page (mean), bytes a page", (r) => `${r.rawFeatures.toFixed(1)}, ${Math.round(r.bytesPerPage)}`);
  row("raw `publicObservationsPage()` p50 / p99 / mean (ms)", (r) => `${ms(r.raw.p50)} / ${ms(r.raw.p99)} / ${ms(r.raw.mean)}`);
  row("GET geojson, sequential p50 / p99 / mean (ms)", (r) => `${ms(r.httpSeq.p50)} / ${ms(r.httpSeq.p99)} / ${ms(r.httpSeq.mean)}`);
  row(`GET geojson, ${params.concurrency} concurrent p50 / p99 (ms), req/s`, (r) => `${ms(r.httpConc.p50)} / ${ms(r.httpConc.p99)}, ${r.httpConc.throughput.toFixed(0)}`);
  row("HTTP p99 / raw p99 (sequential)", (r) => (r.httpSeq.p99 / r.raw.p99).toFixed(1) + "×");
  const busiest = Math.max(...results.flatMap((r) => r.load));
  if (busiest > m.cores * 1.5) {
    lines.push("");
    lines.push(
      `**The machine was busy during this run** (1-minute load average up to ${busiest.toFixed(1)} on ${m.cores} cores, from other work): ` +
        "every figure is inflated by waiting for a CPU, the raw query as much as HTTP. Rerun on a quiet machine before comparing with the goals.",
    );
  }
  lines.push("");
  lines.push(`Goal: GeoJSON p99 within ${GOAL_RATIO}× of the raw query's p99 (sequential).`);
  lines.push("");
  for (const r of results) {
    const ratio = r.httpSeq.p99 / r.raw.p99;
    lines.push(`- ${r.kind === "postgres" ? "PostgreSQL" : "PGlite"}: ${ratio.toFixed(1)}×, ${ratio <= GOAL_RATIO ? "met" : "**not met**"}`);
  }
  lines.push("");
  lines.push(
    "Smaller or partial runs: `BENCH_DB=postgres|pglite|both`, `BENCH_OBSERVATIONS`, `BENCH_RESIDENTS`, `BENCH_REQUESTS`, `BENCH_CONCURRENCY`, `BENCH_LIMIT`; " +
      "`BENCH_DATABASE_URL` (default: TEST_DATABASE_URL, else the local server) is where the throwaway database is created.",
  );
  if (!fullSize) {
    lines.push("");
    lines.push(`Reduced run (${JSON.stringify(params)}): not comparable with full-size figures.`);
  }
  return lines.join("\n") + "\n";
}

// ── main ────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  log(`bench/geojson: ${JSON.stringify(params)}, databases: ${dbChoice}, Node ${process.version}`);
  const kinds: ("postgres" | "pglite")[] = dbChoice === "both" ? ["postgres", "pglite"] : [dbChoice as "postgres" | "pglite"];
  const results: DbFigures[] = [];
  for (const kind of kinds) results.push(await benchOne(kind));
  const section = renderSection(results);
  console.log("\n" + section);
  if (writeDocs) log(`figures written to ${updateDocSection(HEADING, section)}`);
  else log("reduced run: docs/performance.md left as it is (BENCH_DOCS=1 writes it anyway)");
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
