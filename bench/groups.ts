// Groups benchmark: a real Parvis (createInstance with the default modules,
// loopback port) hosting a group whose members are on fake remote servers
// running in a worker thread (so that they do not share the instance's event loop).
//
// (1) fan-out: a group with 2,000 remote members spread over 50 loopback
//     "instances" (tiny HTTP servers counting requests); one remote member
//     (on the first of them) POSTs a signed Create(Note) addressed to the group
//     to our shared inbox; measured from that POST until every instance has the
//     group's Announce, with the number of requests made (goal: exactly one per
//     instance, under 3 s).
// (2) the group timeline (GET /api/parvis/timelines/group/:id, anonymous, a
//     public group) on a group with 100,000 posts, p99 over many requests, beside
//     the same run's baseline: its raw query, groupTimeline() (goal: within 3×).
//
//   npm run bench:groups                       full size, PGlite
//   BENCH_DB=postgres npm run bench:groups     on PostgreSQL (BENCH_DATABASE_URL / TEST_DATABASE_URL)
//   BENCH_MEMBERS=200 BENCH_INSTANCES=10 BENCH_POSTS=10000 npm run bench:groups
//
// Figures go to stdout (Markdown) and, for full-size runs or BENCH_DOCS=1, to the
// "Groups" section of docs/performance.md.
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { exportSpki, signRequest } from "@fedify/fedify";
import { sql } from "drizzle-orm";
import { openDatabase, type Database, type Db } from "../server/db/open";
import { accounts, groupMemberships } from "../server/db/schema";
import { registerAccount } from "../server/domain/accounts";
import { issueToken } from "../server/auth/tokens";
import { createGroup } from "../server/domain/groups";
import { groupTimeline } from "../server/domain/group-posts";
import { rowsOf } from "../server/db/rows";
import { newId } from "../server/ids";
import { createInstance, type Instance } from "../server/instance";
import { createLogger } from "../server/logger";
import { defaultModules } from "../server/modules";
import { runLoad } from "./lib/http-load";
import { machineInfo, percentile, updateDocSection } from "./lib/perf-report";
import { cleanUpOnInterrupt, cleanups, prepareBenchSite } from "./lib/throwaway";

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

const DEFAULTS = { members: 2000, instances: 50, posts: 100_000, requests: 400 };
const params = {
  members: intEnv("BENCH_MEMBERS", DEFAULTS.members),
  instances: intEnv("BENCH_INSTANCES", DEFAULTS.instances),
  posts: intEnv("BENCH_POSTS", DEFAULTS.posts, 100),
  /** timeline requests measured (and as many raw queries) */
  requests: intEnv("BENCH_REQUESTS", DEFAULTS.requests, 20),
};
params.instances = Math.min(params.instances, params.members);
const kind = (process.env.BENCH_DB ?? "pglite").toLowerCase() as "pglite" | "postgres";
if (!["pglite", "postgres"].includes(kind)) throw new Error(`BENCH_DB must be pglite or postgres (got "${kind}")`);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const fullSize = Object.entries(DEFAULTS).every(([k, v]) => params[k as keyof typeof params] === v);
const writeDocs = process.env.BENCH_DOCS === "1" || (process.env.BENCH_DOCS !== "0" && fullSize);
const DEADLINE_MS = intEnv("BENCH_DEADLINE_MS", 120_000, 1000);
const GOALS = { fanoutSeconds: 3, timelineRatio: 3 };

const started = performance.now();
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function log(message: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
}

// ── the member servers, in a worker thread ──────────────────────────────────
// Each counts the POSTs it receives and when the first Announce arrived; the
// first also serves the posting member's actor document (with its key).
const WORLD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const now = () => performance.timeOrigin + performance.now();
const { instances, posterPem } = workerData;
const AP = "application/activity+json";
const stats = [];
const servers = [];
function send(res, status, type, body) { res.writeHead(status, { "content-type": type }); res.end(body === undefined ? "" : JSON.stringify(body)); }
async function start() {
  for (let i = 0; i < instances; i++) {
    const s = { port: 0, posts: 0, announces: 0, firstAnnounceAt: null, firstCreateAt: null };
    const server = http.createServer((req, res) => {
      const origin = "http://127.0.0.1:" + s.port;
      if (req.method === "GET" && i === 0 && req.url.split("?")[0] === "/users/poster") {
        const id = origin + "/users/poster";
        return send(res, 200, AP, {
          "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
          id, type: "Person", preferredUsername: "poster", inbox: id + "/inbox", followers: id + "/followers",
          endpoints: { sharedInbox: origin + "/inbox" },
          publicKey: { id: id + "#main-key", owner: id, publicKeyPem: posterPem },
        });
      }
      if (req.method !== "POST") return send(res, 404, "application/json", {});
      s.posts++;
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        try {
          const a = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (a.type === "Announce") { s.announces++; if (s.firstAnnounceAt === null) s.firstAnnounceAt = now(); }
          if (a.type === "Create" && s.firstCreateAt === null) s.firstCreateAt = now();
        } catch {}
        send(res, 202, "text/plain");
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    s.port = server.address().port;
    servers.push(server);
    stats.push(s);
  }
  parentPort.postMessage({ type: "ready", ports: stats.map((s) => s.port) });
}
parentPort.on("message", (msg) => {
  if (msg === "stats") parentPort.postMessage({ type: "stats", stats });
  if (msg === "close") { for (const s of servers) { s.closeAllConnections(); s.close(); } parentPort.postMessage({ type: "closed" }); }
});
start().catch((err) => parentPort.postMessage({ type: "error", error: String(err && err.stack || err) }));
`;

interface InstanceStats {
  port: number;
  posts: number;
  announces: number;
  firstAnnounceAt: number | null;
  firstCreateAt: number | null;
}

class MemberWorld {
  private readonly worker: Worker;
  readonly ports: number[];

  private constructor(worker: Worker, ports: number[]) {
    this.worker = worker;
    this.ports = ports;
  }

  static async start(instances: number, posterPem: string): Promise<MemberWorld> {
    const worker = new Worker(WORLD_SOURCE, { eval: true, workerData: { instances, posterPem } });
    const ready = await new Promise<{ ports: number[] }>((resolve, reject) => {
      worker.once("error", reject);
      worker.once("message", (msg) => (msg.type === "ready" ? resolve(msg) : reject(new Error(msg.error))));
    });
    return new MemberWorld(worker, ready.ports);
  }

  stats(): Promise<InstanceStats[]> {
    return new Promise((resolve) => {
      const onMessage = (msg: { type: string; stats: InstanceStats[] }) => {
        if (msg.type !== "stats") return;
        this.worker.off("message", onMessage);
        resolve(msg.stats);
      };
      this.worker.on("message", onMessage);
      this.worker.postMessage("stats");
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.worker.once("message", () => resolve());
      this.worker.postMessage("close");
      setTimeout(resolve, 2000).unref();
    });
    await this.worker.terminate();
  }
}

async function scalar(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(query))[0]?.n ?? 0);
}

async function waitUntil(probe: () => Promise<boolean>, deadlineMs: number, intervalMs = 20): Promise<boolean> {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    if (await probe()) return true;
    await sleep(intervalMs);
  }
  return probe();
}

// ── (1) fan-out ─────────────────────────────────────────────────────────────

interface FanoutFigures {
  members: number;
  instances: number;
  /** the inbox's answer to the member's POST (ms) */
  inboxMs: number;
  seconds: number | null;
  /** until the post was stored (inbox verified, queued, handled) */
  storedSeconds: number | null;
  /** until the first instance had the Announce */
  firstSeconds: number | null;
  reached: number;
  requests: number;
  maxPerInstance: number;
}

async function benchFanout(instance: Instance, world: MemberWorld, poster: CryptoKeyPair, groupSlug: string, groupId: string): Promise<FanoutFigures> {
  const { db, config } = instance.services;
  log(`  fan-out: ${params.members} remote members on ${world.ports.length} instances`);
  const rows: (typeof accounts.$inferInsert)[] = [];
  const memberships: (typeof groupMemberships.$inferInsert)[] = [];
  const joinedAt = new Date();
  for (let i = 0; i < params.members; i++) {
    const port = world.ports[i % world.ports.length];
    const origin = `http://127.0.0.1:${port}`;
    // the first member of the first instance is the one who posts
    const username = i === 0 ? "poster" : `voisin${i}`;
    const id = newId();
    rows.push({
      id,
      username,
      domain: `127.0.0.1:${port}`,
      uri: `${origin}/users/${username}`,
      url: `${origin}/@${username}`,
      inboxUrl: `${origin}/users/${username}/inbox`,
      sharedInboxUrl: `${origin}/inbox`,
      followersUrl: `${origin}/users/${username}/followers`,
    });
    memberships.push({ id: newId(), groupId, accountId: id, role: "member", state: "active", joinedAt });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(accounts).values(rows.slice(i, i + 500));
  for (let i = 0; i < memberships.length; i += 500) await db.insert(groupMemberships).values(memberships.slice(i, i + 500));
  await db.execute(sql`analyze accounts`);
  await db.execute(sql`analyze group_memberships`);
  // the group's keys are made on first use: not part of the measure
  await fetch(`${config.origin}/groups/${groupSlug}`, { headers: { accept: "application/activity+json" } }).then((r) => r.arrayBuffer());

  const posterOrigin = `http://127.0.0.1:${world.ports[0]}`;
  const actorId = `${posterOrigin}/users/poster`;
  const groupUri = `${config.origin}/groups/${groupSlug}`;
  const noteId = `${actorId}/statuses/1`;
  const published = new Date().toISOString();
  const addressing = { to: ["https://www.w3.org/ns/activitystreams#Public"], cc: [`${actorId}/followers`, groupUri] };
  const body = JSON.stringify({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${noteId}/activity`,
    type: "Create",
    actor: actorId,
    published,
    ...addressing,
    object: {
      id: noteId,
      type: "Note",
      attributedTo: actorId,
      published,
      ...addressing,
      content: `<p><span class="h-card"><a href="${groupUri}" class="u-url mention">@<span>${groupSlug}</span></a></span> Collecte de jouets samedi devant l'école</p>`,
      tag: [{ type: "Mention", href: groupUri, name: `@${groupSlug}@${config.domain}` }],
    },
  });
  const request = new Request(`${config.origin}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
    body,
  });
  const signed = await signRequest(request, poster.privateKey, new URL(`${actorId}#main-key`));
  const before = await world.stats();

  log("  fan-out: the member posts into the group");
  const t0 = now();
  const res = await fetch(signed);
  const inboxMs = now() - t0;
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`POST /inbox → ${res.status}`);
  let stats = before;
  let storedAt: number | null = null;
  const all = await waitUntil(async () => {
    if (storedAt === null && (await scalar(db, sql`select count(*)::int as n from statuses where uri = ${noteId}`)) > 0) storedAt = now();
    stats = await world.stats();
    return stats.every((s) => s.firstAnnounceAt !== null);
  }, DEADLINE_MS);
  const last = Math.max(...stats.map((s) => s.firstAnnounceAt ?? 0));
  const first = Math.min(...stats.map((s) => s.firstAnnounceAt ?? Infinity));
  // let the queues drain, then count every request (a duplicate would show here)
  await waitUntil(async () => (await scalar(db, sql`select count(*)::int as n from fedify_queue where deliver_after <= now()`)) === 0, 30_000, 100);
  await sleep(1500);
  stats = await world.stats();
  const perInstance = stats.map((s, i) => s.posts - before[i].posts);
  return {
    members: params.members,
    instances: world.ports.length,
    inboxMs,
    seconds: all ? (last - t0) / 1000 : null,
    storedSeconds: storedAt === null ? null : ((storedAt as number) - t0) / 1000,
    firstSeconds: Number.isFinite(first) ? (first - t0) / 1000 : null,
    reached: stats.filter((s) => s.firstAnnounceAt !== null).length,
    requests: perInstance.reduce((a, b) => a + b, 0),
    maxPerInstance: Math.max(...perInstance),
  };
}

/**
 * The same run's baseline: a resident followed by the same remote accounts posts
 * (POST /api/v1/statuses); measured until every instance has the Create, as
 * bench/federation.ts measures it. What a group adds is the inbound Create.
 */
async function benchResidentBaseline(instance: Instance, world: MemberWorld): Promise<{ seconds: number | null; requests: number }> {
  const { db, config } = instance.services;
  const ctx = instance.services.domain;
  const { account, user } = await registerAccount(ctx, { username: "maire", password: "correct horse battery", force: true, role: "resident" });
  const { accessToken } = await issueToken(ctx, { userId: user.id });
  await db.execute(sql`insert into follows (id, account_id, target_account_id)
    select (${newId()}::bigint + row_number() over ()) , id, ${account.id} from accounts where domain is not null`);
  await fetch(`${config.origin}/users/maire`, { headers: { accept: "application/activity+json" } }).then((r) => r.arrayBuffer());
  const before = await world.stats();
  const t0 = now();
  const res = await fetch(`${config.origin}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ status: "Conseil municipal ce soir à 20 h", visibility: "public" }),
  });
  if (!res.ok) throw new Error(`POST /api/v1/statuses → ${res.status}`);
  await res.arrayBuffer();
  let stats = before;
  const all = await waitUntil(async () => {
    stats = await world.stats();
    return stats.every((s) => s.firstCreateAt !== null);
  }, DEADLINE_MS);
  const last = Math.max(...stats.map((s) => s.firstCreateAt ?? 0));
  await waitUntil(async () => (await scalar(db, sql`select count(*)::int as n from fedify_queue where deliver_after <= now()`)) === 0, 30_000, 100);
  await sleep(1500);
  stats = await world.stats();
  return { seconds: all ? (last - t0) / 1000 : null, requests: stats.reduce((n, s, i) => n + s.posts - before[i].posts, 0) };
}

// ── (2) the group timeline ──────────────────────────────────────────────────

interface TimelineFigures {
  posts: number;
  requests: number;
  apiP50: number;
  apiP99: number;
  rawP50: number;
  rawP99: number;
}

async function benchTimeline(instance: Instance, port: number, groupId: string, authorId: string): Promise<TimelineFigures> {
  const { db, config } = instance.services;
  log(`  timeline: ${params.posts} posts in the group`);
  const base = BigInt(newId());
  const origin = config.origin;
  for (let done = 0; done < params.posts; done += 10_000) {
    const n = Math.min(10_000, params.posts - done);
    await db.execute(sql`
      insert into statuses (id, uri, url, account_id, content, visibility, local, group_id, created_at, updated_at)
      select ${base.toString()}::bigint - (${done} + g)::bigint * 65536, ${origin} || '/bench/groups/' || (${done} + g), null, ${authorId},
             '<p>Message ' || (${done} + g) || ' du quartier</p>', 'public', true, ${groupId},
             now() - ((${done} + g) || ' seconds')::interval, now()
      from generate_series(1, ${n}) as g`);
  }
  await db.execute(sql`analyze statuses`);
  const path = `/api/parvis/timelines/group/${groupId}`;
  // the baseline, as bench/timeline.ts has homeTimeline(): the domain's query of the page, no HTTP
  const raw = () => groupTimeline(instance.services.domain, null, groupId, { limit: 20 });
  // the API over keep-alive HTTP from a worker thread (bench/lib/http-load.ts), as bench/timeline.ts
  // measures it, so that the client's own work does not share the instance's event loop
  const target = { host: "127.0.0.1", port, hostHeader: config.domain };
  const requests = (n: number) => Array.from({ length: n }, () => ({ method: "GET" as const, path }));
  // warm-up of both
  await runLoad({ ...target, requests: requests(30), concurrency: 1 });
  for (let i = 0; i < 30; i++) await raw();
  const run = await runLoad({ ...target, requests: requests(params.requests), concurrency: 1 });
  const failed = Object.entries(run.statuses).filter(([code]) => code !== "200");
  if (failed.length > 0) throw new Error(`GET timeline answered ${JSON.stringify(run.statuses)}`);
  const api = [...run.latencies];
  const sqlTimes: number[] = [];
  for (let i = 0; i < params.requests; i++) {
    const t = performance.now();
    await raw();
    sqlTimes.push(performance.now() - t);
  }
  api.sort((a, b) => a - b);
  sqlTimes.sort((a, b) => a - b);
  return {
    posts: params.posts,
    requests: params.requests,
    apiP50: percentile(api, 50),
    apiP99: percentile(api, 99),
    rawP50: percentile(sqlTimes, 50),
    rawP99: percentile(sqlTimes, 99),
  };
}

// ── one run ─────────────────────────────────────────────────────────────────

type Result = { fanout: FanoutFigures; baseline: { seconds: number | null; requests: number }; timeline: TimelineFigures; load: number[] };

async function run(): Promise<Result> {
  const poster = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const world = await MemberWorld.start(params.instances, await exportSpki(poster.publicKey));
  const site = await prepareBenchSite(kind, { adminUrl, dirPrefix: "parvis-bench-groups-", log, env: { PARVIS_ALLOW_PRIVATE_ADDRESS: "true" } });
  let database: Database | undefined;
  let instance: Instance | undefined;
  const cleanup = async () => {
    if (instance) await instance.stop().catch(() => {});
    else if (database) await database.close().catch(() => {});
    instance = undefined;
    rmSync(site.dataDir, { recursive: true, force: true });
    if (site.dropDatabase) await site.dropDatabase().catch(() => {});
    await world.close();
  };
  cleanups.add(cleanup);
  const load = [loadavg()[0]];
  try {
    database = await openDatabase(kind === "postgres" ? { url: site.url! } : { dataDir: join(site.dataDir, "pglite") });
    instance = await createInstance(site.config, { database, logger: createLogger(site.config.logLevel), modules: defaultModules(site.config) });
    await instance.listen(site.port, "127.0.0.1");
    const ctx = instance.services.domain;
    const { account: owner } = await registerAccount(ctx, { username: "presidente", password: "correct horse battery", force: true, role: "admin" });
    const loaded = await createGroup(ctx, owner, { slug: "quartier_gare", name: "Quartier de la Gare", kind: "neighbourhood" });
    const fanout = await benchFanout(instance, world, poster, "quartier_gare", loaded.account.id);
    log(
      `  fan-out: ${fanout.reached}/${fanout.instances} instances in ${fanout.seconds === null ? "–" : fanout.seconds.toFixed(2) + " s"}, ` +
        `${fanout.requests} requests (max ${fanout.maxPerInstance} per instance)`,
    );
    const baseline = await benchResidentBaseline(instance, world);
    log(`  baseline: a resident's post to the same servers in ${baseline.seconds === null ? "–" : baseline.seconds.toFixed(2) + " s"}, ${baseline.requests} requests`);
    const timeline = await benchTimeline(instance, site.port, loaded.account.id, owner.id);
    log(`  timeline: API p99 ${timeline.apiP99.toFixed(1)} ms, raw query p99 ${timeline.rawP99.toFixed(1)} ms`);
    load.push(loadavg()[0]);
    return { fanout, baseline, timeline, load };
  } finally {
    await cleanup();
    cleanups.delete(cleanup);
  }
}

function mark(ok: boolean): string {
  return ok ? "met" : "**not met**";
}

function render(r: Result): string {
  const m = machineInfo();
  const f = r.fanout;
  const t = r.timeline;
  const ratio = t.apiP99 / t.rawP99;
  const lines = [
    "## Groups (bench/groups.ts)",
    "",
    `\`npm run bench:groups\` starts a real Parvis (createInstance with the default modules, loopback port, ` +
      `\`PARVIS_ALLOW_PRIVATE_ADDRESS=true\`) on ${kind === "pglite" ? "PGlite" : "PostgreSQL"}, hosting a public group.`,
    "",
    `- Fan-out: the group has ${f.members} remote members spread evenly over ${f.instances} loopback "instances" (HTTP servers in a worker ` +
      "thread, shared inbox `/inbox`); one of them POSTs a signed `Create(Note)` mentioning the group to our shared inbox; measured from " +
      "that POST until every instance has received the group's `Announce`, and the requests made.",
    `- Timeline: \`GET /api/parvis/timelines/group/:id\` (anonymous, 20 posts) on a group with ${t.posts} posts, ${t.requests} requests ` +
      "one after the other over keep-alive HTTP from a worker thread; baseline: its raw query in the same run, \`groupTimeline()\` of server/domain/group-posts on the database, no HTTP (as bench/timeline.ts has \`homeTimeline()\`).",
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}, Node ${process.version}.`,
  ];
  const busiest = Math.max(...r.load);
  if (busiest > m.cores * 1.5) {
    lines.push("");
    lines.push(
      `**The machine was busy during this run** (1-minute load average up to ${busiest.toFixed(1)} on ${m.cores} cores, from other work): ` +
        "every figure, the baseline included, is inflated by waiting for a CPU.",
    );
  }
  if (!fullSize) lines.push("", `Reduced run (${JSON.stringify(params)}): not comparable with full-size figures.`);
  lines.push(
    "",
    "| measure | value |",
    "| --- | --- |",
    `| inbox answer to the member's POST (ms) | ${f.inboxMs.toFixed(0)} |`,
    `| instances reached | ${f.reached} / ${f.instances} |`,
    `| the post stored, after (s) | ${f.storedSeconds === null ? "–" : f.storedSeconds.toFixed(2)} |`,
    `| the first instance has the Announce, after (s) | ${f.firstSeconds === null ? "–" : f.firstSeconds.toFixed(2)} |`,
    `| **time until every instance has the Announce (s)** | ${f.seconds === null ? "not all reached" : f.seconds.toFixed(2)} |`,
    `| **HTTP requests made** (max per instance) | ${f.requests} (${f.maxPerInstance}) |`,
    `| baseline: a resident's post to the same ${f.members} accounts as followers, until every instance has the Create (s) | ${r.baseline.seconds === null ? "not all reached" : r.baseline.seconds.toFixed(2)} (${r.baseline.requests} requests) |`,
    `| group timeline, API p50 / **p99** (ms) | ${t.apiP50.toFixed(1)} / ${t.apiP99.toFixed(1)} |`,
    `| baseline: raw \`groupTimeline()\` p50 / p99 (ms) | ${t.rawP50.toFixed(1)} / ${t.rawP99.toFixed(1)} |`,
    "",
    "Goals:",
    `- one request per instance — ${f.requests} for ${f.instances}, ${mark(f.requests === f.instances && f.maxPerInstance === 1)}`,
    `- every instance under ${GOALS.fanoutSeconds} s — ${f.seconds === null ? "not all reached" : f.seconds.toFixed(2) + " s"}, ${mark(f.seconds !== null && f.seconds < GOALS.fanoutSeconds)}`,
    `- for comparison, the fan-out took ${f.seconds !== null && r.baseline.seconds ? (f.seconds / r.baseline.seconds).toFixed(2) + "×" : "–"} the time of the same run's resident post to the same servers (what the machine's load costs every delivery)`,
    `- timeline p99 within ${GOALS.timelineRatio}× its raw query — ${ratio.toFixed(1)}×, ${mark(ratio <= GOALS.timelineRatio)}`,
    "",
    "Smaller runs: `BENCH_MEMBERS`, `BENCH_INSTANCES`, `BENCH_POSTS`, `BENCH_REQUESTS`; `BENCH_DB=postgres` (throwaway database on " +
      "`BENCH_DATABASE_URL`, default TEST_DATABASE_URL); `BENCH_DOCS=1` writes this section after a reduced run.",
  );
  return lines.join("\n") + "\n";
}

cleanUpOnInterrupt(log);

async function main(): Promise<void> {
  log(`bench/groups: ${JSON.stringify(params)}, ${kind}, Node ${process.version}`);
  const result = await run();
  const section = render(result);
  console.log("\n" + section);
  if (writeDocs) log(`figures written to ${updateDocSection("## Groups (bench/groups.ts)", section)}`);
  else log("reduced run: docs/performance.md left as it is (BENCH_DOCS=1 writes it anyway)");
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
