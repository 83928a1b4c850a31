// Footprint of a small commune's instance: the server's resident memory (idle and
// peak), its start-to-ready time on an existing data directory, and the home
// timeline right after seeding ("cold": the planner has no statistics yet) and
// after ANALYZE, on PGlite and on PostgreSQL.
//
//   npm run bench:footprint                       PGlite (start scripts' flags, V8's default tiering, --liftoff-only), PostgreSQL
//   BENCH_DB=pglite BENCH_LOW_MEMORY=0 npm run bench:footprint
//
// Workload: 50 residents, 1,000 follows, 4,000 posts, then home timelines read
// sequentially and 8 at a time. The server runs as `npm run start:server` would
// (its own process), so its memory is its own; PGlite also runs without the V8
// compilation hints of server/db/pglite-wasm.ts (V8's default tiering, the baseline)
// and with --liftoff-only (the low-memory mode of docs/admin.md), and each PGlite
// variant first starts once on an empty data directory. About 5 minutes on a quiet
// 2-core machine. Baselines of the same run: a bare
// Node process with the same flags answering HTTP (the floor of memory and start-up
// time), and the raw homeTimeline() query called in the benchmark process.
//
// Figures go to stdout and, unless BENCH_DOCS=0, to the "Footprint" section of
// docs/performance.md.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "../server/db/open";
import { HINT_FLAGS } from "../server/db/pglite-wasm";
import type { DomainContext } from "../server/domain/context";
import { homeTimeline } from "../server/domain/timelines";
import { EventBus } from "../server/events";
import { runLoad, type LoadRequest, type LoadResult } from "./lib/http-load";
import { scriptEnv, scriptNodeArgs, scriptNodeFlags } from "./lib/node-command";
import { ensureServerBuilt } from "../server/cli/build-server";
import { machineInfo, percentile, summarize, updateDocSection, type Summary } from "./lib/perf-report";
import { SMALL_COMMUNE, seedSmallCommune, type Resident } from "./lib/small-commune";
import { freePort } from "./lib/ports";
import { cleanUpOnInterrupt, cleanups, prepareBenchSite } from "./lib/throwaway";

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

const params = {
  residents: intEnv("BENCH_RESIDENTS", SMALL_COMMUNE.residents, 5),
  follows: intEnv("BENCH_FOLLOWS", SMALL_COMMUNE.follows, 1),
  posts: intEnv("BENCH_POSTS", SMALL_COMMUNE.posts, 10),
  requests: intEnv("BENCH_REQUESTS", 400, 10),
  concurrency: intEnv("BENCH_CONCURRENCY", 8, 1),
};
const dbChoice = (process.env.BENCH_DB ?? "both").toLowerCase();
if (!["postgres", "pglite", "both"].includes(dbChoice)) throw new Error(`BENCH_DB must be postgres, pglite or both (got "${dbChoice}")`);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const writeDocs = process.env.BENCH_DOCS !== "0";
/** extra environment for the server process (e.g. PARVIS_PGLITE_SHARED_BUFFERS=64MB to compare settings) */
const serverEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith("PARVIS_PGLITE_") || k.startsWith("PARVIS_DB_")),
) as Record<string, string>;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The server runs with the Node flags of `npm run start:server` (BENCH_NODE_FLAGS replaces them, to compare). */
function serverNodeFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
  return scriptNodeFlags("start:server");
}
const NODE_FLAGS = serverNodeFlags();
/** the environment `npm run start:server` sets (malloc's setting), given to every server the benchmark starts */
const SCRIPT_ENV = scriptEnv("start:server");
/** the runner of the server's bundle (server/run-bundle.mjs), which `npm run start:server` runs */
const BUNDLE_ENTRY = scriptNodeArgs("start:server").at(-1)!;
const PAGE_LIMIT = 20;

const started = performance.now();
function log(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s] ${message}`);
}

// ── memory of a child process ───────────────────────────────────────────────

function procStatus(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
}

interface Spawned {
  child: ChildProcess;
  /** milliseconds from spawn until /healthz answered 200 */
  readyMs: number;
  stop(): Promise<number>;
  /** what it printed, when spawned with `capture` */
  output(): string;
}

/**
 * Waits until this process is idle (under 10% of a core over a quarter of a second, at
 * most 15 s): V8 may still be optimising, on background threads, the PGlite this process
 * used to seed and query, and a server's start-up measured meanwhile would share the
 * machine with it.
 */
async function settle(): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 250));
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 25) return;
  }
}

/** Spawns `node <flags> <args>` and waits until http://127.0.0.1:port/healthz answers 200. */
async function spawnUntilReady(args: string[], env: Record<string, string>, port: number, nodeFlags: string[] = NODE_FLAGS, capture = false): Promise<Spawned> {
  await settle();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, ...args], {
    cwd: root,
    env: { ...process.env, ...SCRIPT_ENV, ...env },
    stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output = (output + chunk).slice(-100_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  cleanups.add(kill);
  void exited.then(() => cleanups.delete(kill));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - t0 > 60_000) {
      child.kill("SIGKILL");
      throw new Error("did not start within 60 s");
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const readyMs = performance.now() - t0;
  return {
    child,
    readyMs,
    output: () => output,
    async stop() {
      const s0 = performance.now();
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      return performance.now() - s0;
    },
  };
}

const BARE_SERVER = `import { createServer } from "node:http";
createServer((_q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1");`;

/** The floor: a bare Node process with the same flags (tsx loader included) answering HTTP. */
async function bareBaseline(): Promise<{ readyMs: number; rssMb: number }> {
  const port = await freePort();
  const s = await spawnUntilReady(["--input-type=module", "-e", BARE_SERVER], { PORT: String(port) }, port);
  await new Promise((r) => setTimeout(r, 1000));
  const { rssMb } = procStatus(s.child.pid!);
  await s.stop();
  return { readyMs: s.readyMs, rssMb };
}

// ── measuring ───────────────────────────────────────────────────────────────

interface Phase {
  readyMs: number;
  rssIdleMb: number;
  rssAfterMb: number;
  rssPeakMb: number;
  seq: Summary;
  conc: Summary;
  stopMs: number;
}

/**
 * What is measured: a database, and the server's Node flags: those of `npm run
 * start:server`, or V8's default tiering (the start scripts without the compilation
 * hints of server/db/pglite-wasm.ts: the baseline they are judged against), or the
 * low-memory mode of docs/admin.md.
 */
interface Variant {
  kind: "postgres" | "pglite";
  label: string;
  nodeFlags: string[];
  /** what Node runs: the server's bundle, as `npm start` does, or its sources */
  entry: string;
  /** left out by BENCH_LOW_MEMORY=0 */
  optional?: boolean;
}

// V8's default tiering: the start scripts' flags without the WebAssembly ones (the hints and the single compile thread)
const withoutHints = NODE_FLAGS.filter((f) => !(HINT_FLAGS as readonly string[]).includes(f) && !f.startsWith("--wasm-"));
const VARIANTS: Variant[] = [
  { kind: "pglite", label: "PGlite", nodeFlags: NODE_FLAGS, entry: BUNDLE_ENTRY },
  { kind: "pglite", label: "PGlite, from the sources", nodeFlags: [...NODE_FLAGS, "--import", "./server/start-hooks.mjs"], entry: "server/main.ts" },
  { kind: "pglite", label: "PGlite, V8's default tiering", nodeFlags: withoutHints, entry: BUNDLE_ENTRY },
  { kind: "pglite", label: "PGlite, `--liftoff-only`", nodeFlags: ["--liftoff-only", ...withoutHints], entry: BUNDLE_ENTRY, optional: true },
  { kind: "postgres", label: "PostgreSQL", nodeFlags: NODE_FLAGS, entry: BUNDLE_ENTRY },
];

interface DbFigures {
  label: string;
  kind: "postgres" | "pglite";
  nodeFlags: string[];
  entry: string;
  rawCold: Summary;
  firstStart: FirstStart | undefined;
  rawAnalysed: Summary;
  cold: Phase;
  analysed: Phase;
  /** start-to-ready of the restart after ANALYZE and of RESTARTS more, each after a graceful stop */
  restartsMs: number[];
  load: [number, number];
}

/** further restarts, each measured from spawn to ready then stopped: on 2 cores one start says little */
const RESTARTS = 4;

/** Starts the server and stops it again, `count` times; the start-to-ready of each. */
async function restarts(count: number, env: Record<string, string>, port: number, nodeFlags: string[], entry: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = await spawnUntilReady([entry], env, port, nodeFlags);
    times.push(server.readyMs);
    await server.stop();
  }
  return times;
}

/** of an odd number of values, as RESTARTS + 1 is */
const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

function checkAll(result: LoadResult, what: string): void {
  const bad = Object.entries(result.statuses).filter(([code]) => Number(code) !== 200);
  if (bad.length) throw new Error(`${what}: unexpected HTTP statuses ${JSON.stringify(result.statuses)}`);
}

async function rawTimelines(ctx: DomainContext, viewers: Resident[]): Promise<Summary> {
  const times: number[] = [];
  const t = performance.now();
  for (const v of viewers) {
    const t0 = performance.now();
    await homeTimeline(ctx, v.accountId, { limit: PAGE_LIMIT });
    times.push(performance.now() - t0);
  }
  return summarize(times, performance.now() - t);
}

/** Starts the server on the seeded database, reads home timelines, stops it; memory sampled throughout. */
async function serverPhase(label: string, env: Record<string, string>, port: number, viewers: Resident[], domain: string, nodeFlags: string[], entry: string): Promise<Phase> {
  const server = await spawnUntilReady([entry], env, port, nodeFlags);
  const pid = server.child.pid!;
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const rssIdleMb = procStatus(pid).rssMb;
    const target = { host: "127.0.0.1", port, hostHeader: domain };
    const home = (v: Resident): LoadRequest => ({ method: "GET", path: "/api/v1/timelines/home", token: v.token });
    const seqRun = await runLoad({ ...target, requests: viewers.map(home), concurrency: 1 });
    checkAll(seqRun, `${label}: home timeline`);
    const concRun = await runLoad({ ...target, requests: viewers.map(home), concurrency: params.concurrency });
    checkAll(concRun, `${label}: home timeline, concurrent`);
    await new Promise((r) => setTimeout(r, 1000));
    const { rssMb: rssAfterMb, hwmMb: rssPeakMb } = procStatus(pid);
    const seq = summarize(seqRun.latencies, seqRun.elapsedMs);
    const conc = summarize(concRun.latencies, concRun.elapsedMs);
    const stopMs = await server.stop();
    log(
      `  ${label}: ready in ${server.readyMs.toFixed(0)} ms; RSS idle ${rssIdleMb.toFixed(0)} MB, peak ${rssPeakMb.toFixed(0)} MB, after ${rssAfterMb.toFixed(0)} MB; ` +
        `home p50/p99 ${seq.p50.toFixed(2)}/${seq.p99.toFixed(2)} ms sequential, ${conc.p50.toFixed(2)}/${conc.p99.toFixed(2)} ms ${params.concurrency} at a time; stopped in ${stopMs.toFixed(0)} ms`,
    );
    return { readyMs: server.readyMs, rssIdleMb, rssAfterMb, rssPeakMb, seq, conc, stopMs };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Deterministic PRNG (mulberry32): both databases get the same viewers. */
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

interface FirstStart {
  readyMs: number;
  rssIdleMb: number;
  rssPeakMb: number;
  /** the process that created the database (server/db/pglite-create.ts) */
  creation: { ms: number; peakMb: number } | undefined;
}

/** PGlite: the server's very first start, on an empty data directory. */
async function firstStartPhase(env: Record<string, string>, port: number, nodeFlags: string[], entry: string): Promise<FirstStart> {
  const dataDir = mkdtempSync(join(tmpdir(), "parvis-footprint-empty-"));
  try {
    const server = await spawnUntilReady([entry], { ...env, PARVIS_DATA_DIR: dataDir, LOG_LEVEL: "info" }, port, nodeFlags, true);
    await new Promise((r) => setTimeout(r, 2000));
    const { rssMb: rssIdleMb, hwmMb: rssPeakMb } = procStatus(server.child.pid!);
    await server.stop();
    const line = server
      .output()
      .split("\n")
      .find((l) => l.includes("created the embedded database"));
    const logged = line ? (JSON.parse(line) as { ms?: number; peakMb?: number }) : undefined;
    const creation = logged?.ms !== undefined && logged.peakMb !== undefined ? { ms: logged.ms, peakMb: logged.peakMb } : undefined;
    log(
      `  first start on an empty data directory: ready in ${server.readyMs.toFixed(0)} ms; RSS idle ${rssIdleMb.toFixed(0)} MB, peak ${rssPeakMb.toFixed(0)} MB` +
        (creation ? `; the database created by a child process in ${creation.ms} ms, its peak ${creation.peakMb} MB` : ""),
    );
    return { readyMs: server.readyMs, rssIdleMb, rssPeakMb, creation };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchOne({ kind, label, nodeFlags, entry }: Variant): Promise<DbFigures> {
  log(`── ${label} ──`);
  const site = await prepareBenchSite(kind, { adminUrl, dirPrefix: "parvis-footprint-", log });
  // each variant starts without Node's compile cache or the bundle's code cache (server/run-bundle.mjs),
  // as a new installation does: the servers' first starts go without, the restart has what the first wrote
  const compileCache = mkdtempSync(join(tmpdir(), "parvis-footprint-cache-"));
  let database: Database | undefined;
  const cleanup = async () => {
    if (database) await database.close().catch(() => {});
    rmSync(site.dataDir, { recursive: true, force: true });
    rmSync(compileCache, { recursive: true, force: true });
    if (site.dropDatabase) await site.dropDatabase().catch((err) => log(`  could not drop the database: ${String(err)}`));
  };
  cleanups.add(cleanup);
  try {
    const open = () =>
      openDatabase(kind === "postgres" ? { url: site.url, poolSize: 2 } : { dataDir: join(site.dataDir, "pglite"), pglite: site.config.pglite });
    database = await open();
    const ctx: DomainContext = { db: database.db, events: new EventBus(), config: site.config };
    let t = performance.now();
    const residents = await seedSmallCommune(ctx, database.db, params);
    log(`  seeded ${residents.length} residents, ${params.follows} follows, ${params.posts} posts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const random = prng(2026);
    const viewers = Array.from({ length: params.requests }, () => residents[Math.floor(random() * residents.length)]);
    const rawCold = await rawTimelines(ctx, viewers);
    log(`  raw homeTimeline(), cold statistics: p50 ${rawCold.p50.toFixed(2)} ms, p99 ${rawCold.p99.toFixed(2)} ms`);
    await database.close();
    database = undefined;

    const env: Record<string, string> = {
      ...serverEnv,
      PARVIS_DOMAIN: site.config.domain,
      PORT: String(site.port),
      HOST: "127.0.0.1",
      PARVIS_DATA_DIR: site.dataDir,
      PARVIS_SECRET: site.config.secret,
      PARVIS_COMMUNE_NAME: site.config.commune.name,
      PARVIS_AUTH_RATE_LIMIT: "100000",
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
      PARVIS_COMPILE_CACHE: compileCache,
      ...(site.url ? { DATABASE_URL: site.url } : {}),
    };
    const loadBefore = loadavg()[0];
    const firstStart = kind === "pglite" ? await firstStartPhase(env, site.port, nodeFlags, entry) : undefined;
    const cold = await serverPhase("server right after seeding", env, site.port, viewers, site.config.domain, nodeFlags, entry);

    database = await open();
    const ctx2: DomainContext = { db: database.db, events: new EventBus(), config: site.config };
    t = performance.now();
    await database.db.execute(sql`analyze`);
    log(`  ANALYZE in ${(performance.now() - t).toFixed(0)} ms`);
    const rawAnalysed = await rawTimelines(ctx2, viewers);
    log(`  raw homeTimeline(), analysed: p50 ${rawAnalysed.p50.toFixed(2)} ms, p99 ${rawAnalysed.p99.toFixed(2)} ms`);
    await database.close();
    database = undefined;

    const analysed = await serverPhase("server after ANALYZE", env, site.port, viewers, site.config.domain, nodeFlags, entry);
    const restartsMs = [analysed.readyMs, ...(await restarts(RESTARTS, env, site.port, nodeFlags, entry))];
    log(`  restarts: ready in ${restartsMs.map((t) => t.toFixed(0)).join(", ")} ms (median ${median(restartsMs).toFixed(0)})`);
    return { label, kind, nodeFlags, entry, rawCold, rawAnalysed, firstStart, cold, analysed, restartsMs, load: [loadBefore, loadavg()[0]] };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

// ── report ──────────────────────────────────────────────────────────────────

const GOALS = { peakMb: 300, idleMb: 200, readyMs: 1000, coldRatio: 2 };
const HEADING = "## Footprint: memory, start-up, cold statistics (bench/footprint.ts)";

function ms(v: number): string {
  return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

function mark(ok: boolean): string {
  return ok ? "met" : "**not met**";
}

function renderSection(results: DbFigures[], bare: { readyMs: number; rssMb: number }): string {
  const m = machineInfo();
  const lines: string[] = [];
  lines.push(HEADING);
  lines.push("");
  lines.push(
    "`npm run bench:footprint` seeds each database (residents through `registerAccount`, follows and posts by bulk SQL, no ANALYZE), " +
      "then starts the server as `npm run start:server` does (server/run-bundle.mjs running its bundle, dist/server/main.cjs, with the script's Node flags and environment: " +
      `\`${Object.entries(SCRIPT_ENV).map(([k, v]) => `${k}=${v}`).join(" ")}\`), in its own process, on that existing data directory or database, ` +
      "and reads home timelines over HTTP (20 statuses a page, sequentially then " +
      `${params.concurrency} at a time). It stops the server (SIGTERM), runs ANALYZE, and does it again. ` +
      "Resident memory is read from /proc: idle is 2 s after the server answered /healthz, peak is the kernel's high-water mark (VmHWM) over the whole life of the process. " +
      "Start-to-ready is from spawning the process until /healthz answers 200; before each start the benchmark waits until its own process is idle " +
      "(V8 may still be optimising, in the background, the PGlite it seeded with). " +
      `The restart figure is the median of ${RESTARTS + 1} starts after a graceful stop: the one after ANALYZE and ${RESTARTS} more start–stop cycles. ` +
      "PGlite runs from the bundle with the start scripts' flags (V8 compilation hints, server/db/pglite-wasm.ts); from the sources (`server/main.ts`, " +
      "Node stripping the types of each module: how the server started before the bundle, its baseline); with V8's default tiering " +
      "(the same flags without the hints: the baseline they are judged against) and, unless `BENCH_LOW_MEMORY=0`, with `--liftoff-only`. " +
      "On PGlite the server is first started once on an empty data directory (its very first start, which creates the database). " +
      "Each variant starts with empty compile caches, as a new installation. The server writes V8's code cache of the bundle 5 s after starting " +
      "(server/run-bundle.mjs): on PGlite the very first start, which creates the database, writes it and the later starts read it; " +
      "on PostgreSQL the first start on the seeded database goes without and the restart has it.",
  );
  lines.push("");
  lines.push(`- Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB memory, ${m.platform}; Node ${process.version}`);
  lines.push(`- Run: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, total ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
  lines.push(
    `- Data: ${params.residents} residents, ${params.follows} follows, ${params.posts} posts (85% public, 10% unlisted, 5% private); ` +
      `load: ${params.requests} home timelines as random residents, sequential, then the same ${params.concurrency} at a time`,
  );
  lines.push(
    `- Baselines of the same run: a bare Node process with the same flags (\`${NODE_FLAGS.join(" ")}\`) answering HTTP: ` +
      `${bare.rssMb.toFixed(0)} MB resident, ready in ${bare.readyMs.toFixed(0)} ms; the raw \`homeTimeline()\` query called in the benchmark process.`,
  );
  lines.push("");
  lines.push("| | " + results.map((r) => r.label).join(" | ") + " |");
  lines.push("|---|" + results.map(() => "---:").join("|") + "|");
  const row = (label: string, f: (r: DbFigures) => string) => lines.push(`| ${label} | ${results.map(f).join(" | ")} |`);
  row("1-min load average, start → end", (r) => `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
  row("server run from", (r) => `\`${r.entry}\``);
  row("Node flags", (r) => `\`${r.nodeFlags.filter((f) => f !== "--import" && !f.includes("start-hooks")).join(" ")}\``);
  row("very first start, empty data directory: ready (ms); RSS idle / peak (MB)", (r) =>
    r.firstStart ? `${r.firstStart.readyMs.toFixed(0)}; ${r.firstStart.rssIdleMb.toFixed(0)} / ${r.firstStart.rssPeakMb.toFixed(0)}` : "—",
  );
  row("… the process that created the database: time (ms), peak (MB)", (r) =>
    r.firstStart?.creation ? `${r.firstStart.creation.ms}, ${r.firstStart.creation.peakMb}` : "—",
  );
  row("start-to-ready, first start on the seeded data (ms)", (r) => r.cold.readyMs.toFixed(0));
  row(`start-to-ready, restarts after a graceful stop: median of ${RESTARTS + 1} (min–max) (ms)`, (r) =>
    `${median(r.restartsMs).toFixed(0)} (${Math.min(...r.restartsMs).toFixed(0)}–${Math.max(...r.restartsMs).toFixed(0)})`,
  );
  row("graceful stop, SIGTERM to exit (ms)", (r) => `${r.cold.stopMs.toFixed(0)} / ${r.analysed.stopMs.toFixed(0)}`);
  row("**RSS idle (MB)**, first start / restart", (r) => `${r.cold.rssIdleMb.toFixed(0)} / ${r.analysed.rssIdleMb.toFixed(0)}`);
  row("**RSS peak (MB)**, first start / restart", (r) => `${r.cold.rssPeakMb.toFixed(0)} / ${r.analysed.rssPeakMb.toFixed(0)}`);
  row("RSS after the load (MB), first start / restart", (r) => `${r.cold.rssAfterMb.toFixed(0)} / ${r.analysed.rssAfterMb.toFixed(0)}`);
  row("raw `homeTimeline()` p50 / p99 (ms), cold statistics", (r) => `${ms(r.rawCold.p50)} / ${ms(r.rawCold.p99)}`);
  row("raw `homeTimeline()` p50 / p99 (ms), after ANALYZE", (r) => `${ms(r.rawAnalysed.p50)} / ${ms(r.rawAnalysed.p99)}`);
  row("GET home sequential p50 / p99 (ms), server right after seeding", (r) => `${ms(r.cold.seq.p50)} / ${ms(r.cold.seq.p99)}`);
  row("GET home sequential p50 / p99 (ms), after ANALYZE", (r) => `${ms(r.analysed.seq.p50)} / ${ms(r.analysed.seq.p99)}`);
  row(`GET home ${params.concurrency} at a time p50 / p99 (ms), right after seeding`, (r) => `${ms(r.cold.conc.p50)} / ${ms(r.cold.conc.p99)}`);
  row(`GET home ${params.concurrency} at a time p50 / p99 (ms), after ANALYZE`, (r) => `${ms(r.analysed.conc.p50)} / ${ms(r.analysed.conc.p99)}`);
  row("GET home sequential, right after seeding ÷ after ANALYZE, p50 / p99", (r) =>
    `${(r.cold.seq.p50 / r.analysed.seq.p50).toFixed(2)}× / ${(r.cold.seq.p99 / r.analysed.seq.p99).toFixed(2)}×`,
  );
  lines.push("");
  lines.push("Goals:");
  lines.push("");
  for (const r of results) {
    const name = r.label;
    const peak = Math.max(r.cold.rssPeakMb, r.analysed.rssPeakMb);
    const idle = Math.max(r.cold.rssIdleMb, r.analysed.rssIdleMb);
    const ratio = r.cold.seq.p50 / r.analysed.seq.p50;
    lines.push(
      `- ${name}: peak ≤ ${GOALS.peakMb} MB — ${peak.toFixed(0)} MB, ${mark(peak <= GOALS.peakMb)}; idle ≤ ${GOALS.idleMb} MB — ${idle.toFixed(0)} MB, ${mark(idle <= GOALS.idleMb)}; ` +
        `restart ready ≤ ${GOALS.readyMs} ms (median) — ${median(r.restartsMs).toFixed(0)} ms, ${mark(median(r.restartsMs) <= GOALS.readyMs)}; ` +
        `home p50 right after seeding within ${GOALS.coldRatio}× of after ANALYZE — ${ratio.toFixed(2)}×, ${mark(ratio <= GOALS.coldRatio)}`,
    );
  }
  lines.push("");
  lines.push(
    "The cold-statistics goal is read on p50s: the p99 of a first start on freshly seeded data also carries the server's start-up " +
      "statistics pass (ANALYZE, and VACUUM on PGlite, of the tables that grew) and, on PGlite, V8 optimising PGlite's WebAssembly " +
      "(docs/admin.md, \"Memory\"), both running while the first requests are served.",
  );
  // the run itself keeps the server and the load generator busy (up to 2 cores): the load
  // before its first variant tells whether other work shared the machine
  const before = results[0]?.load[0] ?? 0;
  const busiest = Math.max(...results.flatMap((r) => r.load));
  lines.push("");
  lines.push(
    before > m.cores / 2
      ? `**Measured on a loaded machine** (1-minute load average ${before.toFixed(1)} on ${m.cores} cores before the run, from other work; up to ${busiest.toFixed(1)} during it): times are inflated; memory figures much less so. Rerun on a quiet machine for the start-up goal.`
      : `1-minute load average ${before.toFixed(1)} before the run; up to ${busiest.toFixed(1)} during it, most of it the benchmark's own server and load generator on ${m.cores} cores.`,
  );
  lines.push("");
  lines.push(
    "Options: `BENCH_DB=postgres|pglite|both`, `BENCH_RESIDENTS`, `BENCH_FOLLOWS`, `BENCH_POSTS`, `BENCH_REQUESTS`, `BENCH_CONCURRENCY`; " +
      "`BENCH_LOW_MEMORY=0` leaves out the `--liftoff-only` run; `BENCH_NODE_FLAGS` replaces the Node flags taken from `npm run start:server`; " +
      "`PARVIS_PGLITE_*` and `PARVIS_DB_*` variables are passed on to the server (to compare settings); `BENCH_DOCS=0` leaves this file alone.",
  );
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  cleanUpOnInterrupt(log);
  log(`bench/footprint: ${JSON.stringify(params)}, databases: ${dbChoice}, Node ${process.version}`);
  log(`  the server's bundle: ${(await ensureServerBuilt()) === "built" ? "built" : "up to date"}`);
  const bare = await bareBaseline();
  log(`  baseline, bare Node process: ready in ${bare.readyMs.toFixed(0)} ms, ${bare.rssMb.toFixed(0)} MB resident`);
  const variants = VARIANTS.filter((v) => (dbChoice === "both" || v.kind === dbChoice) && (!v.optional || process.env.BENCH_LOW_MEMORY !== "0"));
  const results: DbFigures[] = [];
  for (const variant of variants) results.push(await benchOne(variant));
  const section = renderSection(results, bare);
  console.log("\n" + section);
  if (writeDocs) log(`figures written to ${updateDocSection(HEADING, section)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
