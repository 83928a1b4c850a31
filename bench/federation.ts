// Federation benchmark: a real Parvis (createInstance with the default modules,
// loopback port) on PostgreSQL and on PGlite, talking to fake remote servers
// that run in a worker thread (so that they do not share the instance's event loop).
//
// (1) inbound: signed Create(Note) activities from several remote actors, posted
//     to the shared inbox as fast as they are accepted (pre-signed with Fedify's
//     signRequest, sent from another worker thread); measured until every one is
//     stored as a status.
// (2) outbound: one public post from a resident with 5,000 remote followers spread
//     over 100 loopback "instances" (tiny HTTP servers counting requests); measured
//     until every instance has the Create, with the number of requests made.
// On PostgreSQL both run twice: with the queues in a worker process beside the
// web process (the deployment for throughput), then with one process doing both.
// Beside them, the raw RSA-2048 sign and verify rates of node:crypto in the same run
// (the baseline: every inbound activity costs one verify, every delivery one sign).
//
//   npm run bench:federation                              full size, both databases
//   BENCH_DB=pglite BENCH_INBOUND=300 npm run bench:federation
//
// Figures go to stdout (Markdown) and, for full-size runs or BENCH_DOCS=1, to the
// "Federation" section of docs/performance.md.
import { createSign, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { exportSpki, signRequest } from "@fedify/fedify";
import { sql } from "drizzle-orm";
import { issueToken } from "../server/auth/tokens";
import { openDatabase, type Database, type Db } from "../server/db/open";
import { accounts, follows } from "../server/db/schema";
import { registerAccount } from "../server/domain/accounts";
import { rowsOf } from "../server/db/rows";
import { newId } from "../server/ids";
import { createInstance, type Instance } from "../server/instance";
import { createLogger } from "../server/logger";
import { defaultModules } from "../server/modules";
import { machineInfo, summarize, updateDocSection, type Summary } from "./lib/perf-report";
import { cleanUpOnInterrupt, cleanups, prepareBenchSite, startWorkerProcess } from "./lib/throwaway";

// ── parameters ──────────────────────────────────────────────────────────────

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

const DEFAULTS = { inbound: 2000, actors: 20, concurrency: 16, followers: 5000, instances: 100 };
const params = {
  /** Create(Note) activities measured (after one warm-up activity per actor) */
  inbound: intEnv("BENCH_INBOUND", DEFAULTS.inbound, 10),
  /** remote actors signing them */
  actors: intEnv("BENCH_ACTORS", DEFAULTS.actors, 1),
  /** inbox POSTs in flight */
  concurrency: intEnv("BENCH_CONCURRENCY", DEFAULTS.concurrency, 1),
  followers: intEnv("BENCH_FOLLOWERS", DEFAULTS.followers, 1),
  instances: intEnv("BENCH_INSTANCES", DEFAULTS.instances, 1),
};
params.instances = Math.min(params.instances, params.followers);
const dbChoice = (process.env.BENCH_DB ?? "both").toLowerCase();
/** on PostgreSQL, run the queues in a worker process beside the web process (BENCH_WORKER_PROCESS=0: one process) */
const workerProcess = process.env.BENCH_WORKER_PROCESS !== "0";
if (!["postgres", "pglite", "both"].includes(dbChoice)) throw new Error(`BENCH_DB must be postgres, pglite or both (got "${dbChoice}")`);
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const fullSize = Object.entries(DEFAULTS).every(([k, v]) => params[k as keyof typeof params] === v);
const writeDocs = process.env.BENCH_DOCS === "1" || (process.env.BENCH_DOCS !== "0" && fullSize);
/** how long to wait for the inbound activities to be processed, or the outbound post to be delivered */
const DEADLINE_MS = intEnv("BENCH_DEADLINE_MS", 180_000, 1000);

const GOALS = { inboundPerSecond: 300, outboundSeconds: 5 };

const started = performance.now();
function log(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s] ${message}`);
}

/** Milliseconds on a clock shared by the main thread and the workers. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function scalar(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const rows = rowsOf<{ n: string | number }>(await db.execute(query));
  return Number(rows[0]?.n ?? 0);
}

// ── baseline: node:crypto RSA-2048 ─────────────────────────────────────────

interface CryptoBaseline {
  signPerSecond: number;
  verifyPerSecond: number;
}

/** RSASSA-PKCS1-v1_5 / SHA-256 over a signing string of the size HTTP signatures use, one thread. */
function cryptoBaseline(durationMs = 1500): CryptoBaseline {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const text =
    "(request-target): post /inbox\nhost: commune.example\ndate: Sun, 22 Nov 2026 08:00:00 GMT\n" +
    `digest: SHA-256=${randomBytes(32).toString("base64")}\ncontent-type: application/activity+json`;
  const rate = (op: () => void) => {
    for (let i = 0; i < 20; i++) op(); // warm-up
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < durationMs) {
      op();
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  const signature = createSign("sha256").update(text).sign(privateKey);
  return {
    signPerSecond: rate(() => createSign("sha256").update(text).sign(privateKey)),
    verifyPerSecond: rate(() => {
      if (!createVerify("sha256").update(text).verify(publicKey, signature)) throw new Error("verify failed");
    }),
  };
}

// ── the remote world: fake servers in a worker thread ──────────────────────

interface WorldSetup {
  /** inbound: actors served at http://127.0.0.1:{actorPort}/users/{username} */
  actors: { username: string; publicKeyPem: string }[];
  /** outbound: this many servers, each with a shared inbox at /inbox */
  instances: number;
}

interface WorldStats {
  /** per instance: POST requests received, and when the first Create arrived (shared clock) */
  instances: { port: number; posts: number; creates: number; firstCreateAt: number | null }[];
  actorServerRequests: number;
}

// Plain JavaScript: the worker runs it as is, without the TypeScript loader.
const WORLD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const now = () => performance.timeOrigin + performance.now();
const { actors, instances } = workerData;
const AP = "application/activity+json";
function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}
let actorServerRequests = 0;
const byName = new Map(actors.map((a) => [a.username, a]));
const actorServer = http.createServer((req, res) => {
  actorServerRequests++;
  const url = new URL(req.url, "http://x");
  const origin = "http://127.0.0.1:" + actorPort;
  if (req.method === "POST") { req.resume(); req.on("end", () => send(res, 202, "text/plain")); return; }
  if (url.pathname === "/.well-known/webfinger") {
    const m = /^acct:([^@]+)@/.exec(url.searchParams.get("resource") || "");
    if (!m || !byName.has(m[1])) return send(res, 404, "application/json", {});
    return send(res, 200, "application/jrd+json", {
      subject: "acct:" + m[1] + "@127.0.0.1:" + actorPort,
      links: [{ rel: "self", type: AP, href: origin + "/users/" + m[1] }],
    });
  }
  const m = /^\\/users\\/([^/]+)(\\/followers|\\/following|\\/outbox)?$/.exec(url.pathname);
  const actor = m && byName.get(m[1]);
  if (!actor) return send(res, 404, "application/json", {});
  const id = origin + "/users/" + actor.username;
  if (m[2]) return send(res, 200, AP, { "@context": "https://www.w3.org/ns/activitystreams", id: id + m[2], type: "OrderedCollection", totalItems: 0 });
  send(res, 200, AP, {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
    id, type: "Person", preferredUsername: actor.username, name: "Bench " + actor.username,
    inbox: id + "/inbox", outbox: id + "/outbox", followers: id + "/followers", following: id + "/following",
    endpoints: { sharedInbox: origin + "/inbox" },
    publicKey: { id: id + "#main-key", owner: id, publicKeyPem: actor.publicKeyPem },
  });
});
let actorPort = 0;
const stats = [];
const servers = [actorServer];
async function start() {
  actorPort = await listen(actorServer);
  for (let i = 0; i < instances; i++) {
    const s = { port: 0, posts: 0, creates: 0, firstCreateAt: null };
    const server = http.createServer((req, res) => {
      if (req.method !== "POST") return send(res, 404, "application/json", {});
      s.posts++;
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        try {
          const activity = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (activity.type === "Create") {
            s.creates++;
            if (s.firstCreateAt === null) s.firstCreateAt = now();
          }
        } catch {}
        send(res, 202, "text/plain");
      });
    });
    s.port = await listen(server);
    servers.push(server);
    stats.push(s);
  }
  parentPort.postMessage({ type: "ready", actorPort, instancePorts: stats.map((s) => s.port) });
}
parentPort.on("message", (msg) => {
  if (msg === "reset") {
    for (const s of stats) { s.posts = 0; s.creates = 0; s.firstCreateAt = null; }
    actorServerRequests = 0;
    parentPort.postMessage({ type: "reset" });
  }
  if (msg === "stats") parentPort.postMessage({ type: "stats", stats: { instances: stats, actorServerRequests } });
  if (msg === "close") {
    for (const s of servers) { s.closeAllConnections(); s.close(); }
    parentPort.postMessage({ type: "closed" });
  }
});
start().catch((err) => parentPort.postMessage({ type: "error", error: String(err && err.stack || err) }));
`;

class RemoteWorld {
  private readonly worker: Worker;
  readonly actorPort: number;
  readonly instancePorts: number[];

  private constructor(worker: Worker, actorPort: number, instancePorts: number[]) {
    this.worker = worker;
    this.actorPort = actorPort;
    this.instancePorts = instancePorts;
  }

  static async start(setup: WorldSetup): Promise<RemoteWorld> {
    const worker = new Worker(WORLD_SOURCE, { eval: true, workerData: setup });
    const ready = await new Promise<{ actorPort: number; instancePorts: number[] }>((resolve, reject) => {
      worker.once("error", reject);
      worker.once("message", (msg) => (msg.type === "ready" ? resolve(msg) : reject(new Error(msg.error))));
    });
    return new RemoteWorld(worker, ready.actorPort, ready.instancePorts);
  }

  stats(): Promise<WorldStats> {
    return new Promise((resolve) => {
      const onMessage = (msg: { type: string; stats: WorldStats }) => {
        if (msg.type !== "stats") return;
        this.worker.off("message", onMessage);
        resolve(msg.stats);
      };
      this.worker.on("message", onMessage);
      this.worker.postMessage("stats");
    });
  }

  /** zeroes the counters (a new database, a new measure) */
  reset(): Promise<void> {
    return new Promise((resolve) => {
      const onMessage = (msg: { type: string }) => {
        if (msg.type !== "reset") return;
        this.worker.off("message", onMessage);
        resolve();
      };
      this.worker.on("message", onMessage);
      this.worker.postMessage("reset");
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

// ── the sender: pre-signed inbox POSTs from a worker thread ─────────────────

interface PreparedPost {
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface SendResult {
  latencies: number[];
  statuses: Record<string, number>;
  /** shared clock */
  startedAt: number;
  endedAt: number;
  /** connections reset under a request (the request was sent again) */
  resets: number;
}

const SENDER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const now = () => performance.timeOrigin + performance.now();
const { port, posts, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
const statuses = {};
let next = 0;
function one(p) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ host: "127.0.0.1", port, path: p.path, method: "POST", headers: p.headers, agent }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(performance.now() - t0);
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        resolve();
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(p.body);
  });
}
let resets = 0;
async function lane() {
  while (next < posts.length) {
    const p = posts[next++];
    // a keep-alive socket closed by the server as we reuse it: send again (at most 3 times)
    for (let attempt = 1; ; attempt++) {
      try { await one(p); break; } catch (err) {
        resets++;
        if (attempt >= 3) throw err;
      }
    }
  }
}
(async () => {
  const startedAt = now();
  await Promise.all(Array.from({ length: Math.min(concurrency, posts.length) }, lane));
  const endedAt = now();
  agent.destroy();
  parentPort.postMessage({ latencies, statuses, startedAt, endedAt, resets });
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

function sendFromWorker(port: number, posts: PreparedPost[], concurrency: number): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SENDER_SOURCE, { eval: true, workerData: { port, posts, concurrency } });
    worker.once("message", (msg: SendResult | { error: string }) => {
      void worker.terminate();
      if ("error" in msg) reject(new Error(msg.error));
      else resolve(msg);
    });
    worker.once("error", reject);
  });
}

// ── one database ────────────────────────────────────────────────────────────

interface InboundFigures {
  activities: number;
  accepted: Summary;
  acceptedPerSecond: number;
  processedPerSecond: number | null;
  processed: number;
  statuses: Record<string, number>;
  resets: number;
  /** requests Parvis made to the remote actors' server while processing (actor or key fetches) */
  remoteRequests: number;
  /** seconds from the first POST until the last status was stored */
  seconds: number | null;
}

interface OutboundFigures {
  followers: number;
  instances: number;
  /** POST /api/v1/statuses answered in (ms) */
  apiMs: number;
  /** seconds from the API call until the last instance had the Create; null when not all did */
  seconds: number | null;
  delivered: number;
  requests: number;
  maxPerInstance: number;
  creates: number;
}

interface DbFigures {
  kind: "postgres" | "pglite";
  /** the queues ran in a worker process beside the web process */
  worker: boolean;
  inbound: InboundFigures | { error: string };
  outbound: OutboundFigures | { error: string };
  load: [number, number];
}

interface Actor {
  username: string;
  privateKey: CryptoKey;
  publicKeyPem: string;
}

async function makeActors(count: number): Promise<Actor[]> {
  const list: Actor[] = [];
  for (let i = 0; i < count; i++) {
    const pair = await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    list.push({ username: `actor${i}`, privateKey: pair.privateKey, publicKeyPem: await exportSpki(pair.publicKey) });
  }
  return list;
}

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/** A signed Create(Note) by `actor` mentioning the local resident, as a plain POST for the sender. */
async function signedCreate(
  world: RemoteWorld,
  actor: Actor,
  n: number,
  target: { origin: string; residentUri: string; residentHandle: string },
): Promise<PreparedPost> {
  const origin = `http://127.0.0.1:${world.actorPort}`;
  const actorId = `${origin}/users/${actor.username}`;
  const noteId = `${actorId}/statuses/${n}`;
  const published = new Date().toISOString();
  const activity = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${noteId}/activity`,
    type: "Create",
    actor: actorId,
    published,
    to: [PUBLIC],
    cc: [`${actorId}/followers`, target.residentUri],
    object: {
      id: noteId,
      type: "Note",
      attributedTo: actorId,
      published,
      to: [PUBLIC],
      cc: [`${actorId}/followers`, target.residentUri],
      content: `<p><span class="h-card"><a href="${target.residentUri}" class="u-url mention">@<span>bench</span></a></span> message ${n} de la commune voisine</p>`,
      tag: [{ type: "Mention", href: target.residentUri, name: target.residentHandle }],
    },
  };
  const body = JSON.stringify(activity);
  const request = new Request(`${target.origin}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
    body,
  });
  const signed = await signRequest(request, actor.privateKey, new URL(`${actorId}#main-key`));
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, key) => (headers[key] = value));
  headers["content-length"] = String(Buffer.byteLength(body));
  return { path: "/inbox", headers, body };
}

async function waitUntil(probe: () => Promise<boolean>, deadlineMs: number, intervalMs = 50): Promise<boolean> {
  const end = performance.now() + deadlineMs;
  while (performance.now() < end) {
    if (await probe()) return true;
    await sleep(intervalMs);
  }
  return probe();
}

/** Activities sent before the clock starts. */
function warmUpCount(): number {
  return Math.max(params.actors, Math.ceil(params.inbound / 10));
}

async function benchInbound(instance: Instance, actors: Actor[], world: RemoteWorld, port: number): Promise<InboundFigures> {
  const { db, config } = instance.services;
  const ctx = instance.services.domain;
  await registerAccount(ctx, { username: "bench", password: "correct horse battery", force: true, role: "resident" });
  const target = {
    origin: config.origin,
    residentUri: `${config.origin}/users/bench`,
    residentHandle: `@bench@${config.domain}`,
  };
  const remoteOrigin = `http://127.0.0.1:${world.actorPort}/%`;
  const stored = () => scalar(db, sql`select count(*)::int as n from statuses where uri like ${remoteOrigin}`);

  // warm-up: actor documents and keys fetched and cached, and the code of every
  // process (the worker process starts cold) compiled, so that what follows is
  // the steady state: a tenth of the measured count, at least one per actor
  const warmCount = warmUpCount();
  log(`  inbound: warm-up, ${warmCount} activities from ${actors.length} actors`);
  const warm = await Promise.all(Array.from({ length: warmCount }, (_, i) => signedCreate(world, actors[i % actors.length], 1_000_000 + i, target)));
  const warmResult = await sendFromWorker(port, warm, params.concurrency);
  if (!(await waitUntil(async () => (await stored()) >= warmCount, DEADLINE_MS, 100))) {
    throw new Error(`warm-up: ${await stored()} of ${warmCount} stored (answers ${JSON.stringify(warmResult.statuses)})`);
  }

  log(`  inbound: signing ${params.inbound} activities`);
  const posts: PreparedPost[] = [];
  for (let i = 0; i < params.inbound; i++) posts.push(await signedCreate(world, actors[i % actors.length], i, target));

  log(`  inbound: posting them, ${params.concurrency} at a time`);
  const fetchesBefore = (await world.stats()).actorServerRequests;
  const base = await stored();
  const expected = base + params.inbound;
  let doneAt: number | null = null;
  const sending = sendFromWorker(port, posts, params.concurrency);
  const watching = (async () => {
    const end = performance.now() + DEADLINE_MS;
    while (performance.now() < end) {
      if ((await stored()) >= expected) {
        doneAt = now();
        return;
      }
      await sleep(25);
    }
  })();
  const sent = await sending;
  await watching;
  const processed = (await stored()) - base;
  const remoteRequests = (await world.stats()).actorServerRequests - fetchesBefore;
  const acceptedSeconds = (sent.endedAt - sent.startedAt) / 1000;
  const seconds = doneAt === null ? null : (doneAt - sent.startedAt) / 1000;
  return {
    activities: params.inbound,
    accepted: summarize(sent.latencies, sent.endedAt - sent.startedAt),
    acceptedPerSecond: params.inbound / acceptedSeconds,
    processedPerSecond: seconds === null ? null : params.inbound / seconds,
    processed,
    statuses: sent.statuses,
    resets: sent.resets,
    remoteRequests,
    seconds,
  };
}

async function benchOutbound(instance: Instance, world: RemoteWorld): Promise<OutboundFigures> {
  const { db, config } = instance.services;
  const ctx = instance.services.domain;
  const { account, user } = await registerAccount(ctx, { username: "maire", password: "correct horse battery", force: true, role: "resident" });
  const { accessToken } = await issueToken(ctx, { userId: user.id });

  log(`  outbound: ${params.followers} remote followers on ${world.instancePorts.length} instances`);
  const followerIds: string[] = [];
  const rows = [];
  for (let i = 0; i < params.followers; i++) {
    const port = world.instancePorts[i % world.instancePorts.length];
    const origin = `http://127.0.0.1:${port}`;
    const id = newId();
    followerIds.push(id);
    rows.push({
      id,
      username: `voisin${i}`,
      domain: `127.0.0.1:${port}`,
      uri: `${origin}/users/voisin${i}`,
      url: `${origin}/@voisin${i}`,
      inboxUrl: `${origin}/users/voisin${i}/inbox`,
      sharedInboxUrl: `${origin}/inbox`,
      followersUrl: `${origin}/users/voisin${i}/followers`,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(accounts).values(rows.slice(i, i + 500));
  for (let i = 0; i < followerIds.length; i += 500) {
    await db.insert(follows).values(followerIds.slice(i, i + 500).map((followerId) => ({ id: newId(), accountId: followerId, targetAccountId: account.id })));
  }
  await db.execute(sql`analyze accounts`);
  await db.execute(sql`analyze follows`);
  // the resident's key pairs are made on first use: not part of the measure
  await fetch(`${config.origin}/users/maire`, { headers: { accept: "application/activity+json" } }).then((r) => r.arrayBuffer());

  await world.reset();
  const before = await world.stats();
  const postsBefore = before.instances.reduce((s, x) => s + x.posts, 0);
  log("  outbound: posting");
  const t0 = now();
  const res = await fetch(`${config.origin}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ status: "Conseil municipal ce soir à 20 h, salle des fêtes", visibility: "public" }),
  });
  const apiMs = now() - t0;
  if (!res.ok) throw new Error(`POST /api/v1/statuses → ${res.status} ${await res.text()}`);
  await res.arrayBuffer();

  let stats = before;
  const allDelivered = await waitUntil(
    async () => {
      stats = await world.stats();
      return stats.instances.every((s) => s.firstCreateAt !== null);
    },
    DEADLINE_MS,
    20,
  );
  const lastArrival = Math.max(...stats.instances.map((s) => s.firstCreateAt ?? 0));
  // let the queues drain, then count every request made (duplicates would show here)
  await waitUntil(async () => (await scalar(db, sql`select count(*)::int as n from fedify_queue where deliver_after <= now()`)) === 0, 30_000, 100);
  await sleep(1500);
  stats = await world.stats();
  const requests = stats.instances.reduce((s, x) => s + x.posts, 0) - postsBefore;
  return {
    followers: params.followers,
    instances: world.instancePorts.length,
    apiMs,
    seconds: allDelivered ? (lastArrival - t0) / 1000 : null,
    delivered: stats.instances.filter((s) => s.firstCreateAt !== null).length,
    requests,
    maxPerInstance: Math.max(...stats.instances.map((s, i) => s.posts - (before.instances[i]?.posts ?? 0))),
    creates: stats.instances.reduce((s, x) => s + x.creates, 0),
  };
}

async function benchOne(kind: "postgres" | "pglite", actors: Actor[], world: RemoteWorld, withWorker: boolean): Promise<DbFigures> {
  log(`── ${kind}${withWorker ? ", web + worker process" : ""} ──`);
  const site = await prepareBenchSite(kind, {
    adminUrl,
    dirPrefix: "parvis-bench-fed-",
    log,
    // the fake remote servers live on loopback; with a worker process, this one serves the web only
    env: { PARVIS_ALLOW_PRIVATE_ADDRESS: "true", ...(withWorker ? { PARVIS_PROCESS_ROLE: "web" } : {}) },
  });
  const { dataDir, url, port, config } = site;
  let { dropDatabase } = site;
  let database: Database | undefined;
  let instance: Instance | undefined;
  let worker: { stop: () => Promise<void> } | undefined;
  const cleanup = async () => {
    if (worker) await worker.stop().catch((err) => log(`  worker stop failed: ${String(err)}`));
    worker = undefined;
    if (instance) await instance.stop().catch((err) => log(`  stop failed: ${String(err)}`));
    else if (database) await database.close().catch(() => {});
    instance = undefined;
    database = undefined;
    rmSync(dataDir, { recursive: true, force: true });
    if (dropDatabase) await dropDatabase().catch((err) => log(`  could not drop the database: ${String(err)}`));
    dropDatabase = undefined;
  };
  cleanups.add(cleanup);
  const loadStart = loadavg()[0];
  try {
    database = await openDatabase(kind === "postgres" ? { url } : { dataDir: join(dataDir, "pglite") });
    instance = await createInstance(config, { database, logger: createLogger(config.logLevel), modules: defaultModules(config) });
    await instance.listen(port, "127.0.0.1");
    if (withWorker && url) worker = await startWorkerProcess(config, url, log);

    let inbound: DbFigures["inbound"];
    try {
      inbound = await benchInbound(instance, actors, world, port);
      log(
        `  inbound: ${inbound.processed}/${inbound.activities} stored; accepted ${inbound.acceptedPerSecond.toFixed(0)}/s, ` +
          `processed ${inbound.processedPerSecond === null ? "–" : inbound.processedPerSecond.toFixed(0)}/s; answers ${JSON.stringify(inbound.statuses)}; ` +
          `${inbound.remoteRequests} requests to the remote server`,
      );
    } catch (err) {
      inbound = { error: String((err as Error).message ?? err) };
      log(`  inbound failed: ${inbound.error}`);
    }
    let outbound: DbFigures["outbound"];
    try {
      outbound = await benchOutbound(instance, world);
      log(
        `  outbound: ${outbound.delivered}/${outbound.instances} instances in ${outbound.seconds === null ? "–" : outbound.seconds.toFixed(2) + " s"}, ` +
          `${outbound.requests} requests (max ${outbound.maxPerInstance} per instance)`,
      );
    } catch (err) {
      outbound = { error: String((err as Error).message ?? err) };
      log(`  outbound failed: ${outbound.error}`);
    }
    return { kind, worker: withWorker, inbound, outbound, load: [loadStart, loadavg()[0]] };
  } finally {
    await cleanup();
    cleanups.delete(cleanup);
  }
}

cleanUpOnInterrupt(log);


// ── report ──────────────────────────────────────────────────────────────────

function mark(ok: boolean): string {
  return ok ? "met" : "**not met**";
}

const setupName = (r: DbFigures) => (r.kind === "pglite" ? "PGlite" : r.worker ? "PostgreSQL, web + worker process" : "PostgreSQL, one process");

function renderSection(results: DbFigures[], baseline: CryptoBaseline): string {
  const m = machineInfo();
  const lines: string[] = [];
  lines.push("## Federation (bench/federation.ts)");
  lines.push("");
  lines.push(
    "`npm run bench:federation` starts a real Parvis (createInstance with the default modules, loopback port, " +
      "`PARVIS_ALLOW_PRIVATE_ADDRESS=true`) on each database, with fake remote servers in a worker thread. On PostgreSQL it is measured " +
      "twice: as deployed for throughput, the benchmark process serving the web (`PARVIS_PROCESS_ROLE=web`) beside a queue worker process " +
      "(`PARVIS_PROCESS_ROLE=worker`, `server/main.ts`) on the same database; then as one process doing both.",
  );
  lines.push("");
  lines.push(
    `- Inbound: ${params.inbound} \`Create(Note)\` activities from ${params.actors} remote actors (RSA-2048 keys, draft-cavage signatures made with ` +
      `Fedify's \`signRequest\` before the clock starts), each mentioning a resident, POSTed to the shared inbox \`/inbox\` ` +
      `${params.concurrency} at a time from another worker thread, after a warm-up of ${warmUpCount()} activities from all the actors ` +
      "(actor documents and keys cached, the code of every process compiled). " +
      "Accepted = answered 202; processed = stored as a status (signature verified, queued, handled, committed).",
  );
  lines.push(
    `- Outbound: one public post (\`POST /api/v1/statuses\`) by a resident with ${params.followers} remote followers spread evenly over ` +
      `${params.instances} loopback instances (one HTTP server each, shared inbox at \`/inbox\`); timed from the API call until every ` +
      "instance has received the `Create`, then the queues are drained and every request counted.",
  );
  lines.push(`- Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB memory, ${m.platform}; Node ${process.version}`);
  lines.push(`- Run: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, total ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`);
  lines.push(
    `- Baseline, same run: node:crypto RSA-2048 PKCS#1 v1.5 / SHA-256 on one thread: ${baseline.signPerSecond.toFixed(0)} signs/s, ` +
      `${baseline.verifyPerSecond.toFixed(0)} verifies/s (each inbound activity costs at least one verify; each delivery one sign)`,
  );
  lines.push("");
  lines.push("| | " + results.map(setupName).join(" | ") + " |");
  lines.push("|---|" + results.map(() => "---:").join("|") + "|");
  const row = (label: string, f: (r: DbFigures) => string) => lines.push(`| ${label} | ${results.map(f).join(" | ")} |`);
  const inb = (f: (i: InboundFigures) => string) => (r: DbFigures) => ("error" in r.inbound ? "failed" : f(r.inbound));
  const out = (f: (o: OutboundFigures) => string) => (r: DbFigures) => ("error" in r.outbound ? "failed" : f(r.outbound));
  row("1-min load average, start → end", (r) => `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`);
  row("inbound: stored / sent", inb((i) => `${i.processed} / ${i.activities}`));
  row("inbound: answers", inb((i) => Object.entries(i.statuses).map(([k, v]) => `${v}× ${k}`).join(", ") + (i.resets ? `; ${i.resets} connection resets (sent again)` : "")));
  row("inbound: accepted (activities/s)", inb((i) => i.acceptedPerSecond.toFixed(0)));
  row("inbound: POST p50 / p99 (ms)", inb((i) => `${i.accepted.p50.toFixed(1)} / ${i.accepted.p99.toFixed(1)}`));
  row("inbound: requests to the remote server meanwhile", inb((i) => String(i.remoteRequests)));
  row("inbound: **fully processed (activities/s)**", inb((i) => (i.processedPerSecond === null ? "not all processed" : i.processedPerSecond.toFixed(0))));
  row("inbound: share of the time per activity a raw RSA verify accounts for", inb((i) => (i.processedPerSecond === null ? "–" : `${((i.processedPerSecond / baseline.verifyPerSecond) * 100).toFixed(2)} %`)));
  row("outbound: API answer (ms)", out((o) => o.apiMs.toFixed(0)));
  row("outbound: instances reached", out((o) => `${o.delivered} / ${o.instances}`));
  row("outbound: **time until all delivered (s)**", out((o) => (o.seconds === null ? "not all delivered" : o.seconds.toFixed(2))));
  row("outbound: **HTTP requests made** (max per instance)", out((o) => `${o.requests} (${o.maxPerInstance})`));
  lines.push("");
  lines.push("Goals:");
  lines.push("");
  for (const r of results) {
    const binding =
      r.kind === "pglite"
        ? " (the inbound goal is set for PostgreSQL; shown for information)"
        : r.worker
          ? ""
          : " (for comparison: the whole instance in one Node process, one core for its JavaScript)";
    const parts: string[] = [];
    if ("error" in r.inbound) parts.push(`inbound ≥ ${GOALS.inboundPerSecond} activities/s — failed: ${r.inbound.error}`);
    else {
      const rate = r.inbound.processedPerSecond;
      parts.push(
        `inbound ≥ ${GOALS.inboundPerSecond} activities/s — ${rate === null ? `only ${r.inbound.processed} of ${r.inbound.activities} processed` : rate.toFixed(0) + "/s"}, ` +
          mark(rate !== null && rate >= GOALS.inboundPerSecond),
      );
    }
    if ("error" in r.outbound) parts.push(`outbound — failed: ${r.outbound.error}`);
    else {
      const o = r.outbound;
      parts.push(`outbound one request per instance — ${o.requests} for ${o.instances}, ${mark(o.requests === o.instances && o.maxPerInstance === 1)}`);
      parts.push(
        `outbound under ${GOALS.outboundSeconds} s — ${o.seconds === null ? `${o.delivered}/${o.instances} reached` : o.seconds.toFixed(2) + " s"}, ` +
          mark(o.seconds !== null && o.seconds < GOALS.outboundSeconds),
      );
    }
    lines.push(`- ${setupName(r)}${binding}: ${parts.join("; ")}`);
  }
  const busiest = Math.max(...results.flatMap((r) => r.load));
  if (busiest > m.cores * 1.5) {
    lines.push("");
    lines.push(
      `**The machine was busy during this run** (1-minute load average up to ${busiest.toFixed(1)} on ${m.cores} cores, from other work): ` +
        "every figure, the baseline included, is inflated by waiting for a CPU. Rerun on a quiet machine before comparing with the goals.",
    );
  }
  if (!fullSize) {
    lines.push("");
    lines.push(`Reduced run (${JSON.stringify(params)}): not comparable with full-size figures.`);
  }
  lines.push("");
  lines.push(
    "Smaller or partial runs: `BENCH_DB=postgres|pglite|both`, `BENCH_INBOUND`, `BENCH_ACTORS`, `BENCH_CONCURRENCY` (inbox POSTs in flight), " +
      "`BENCH_FOLLOWERS`, `BENCH_INSTANCES`, `BENCH_DEADLINE_MS` (how long to wait for processing or delivery, default 180 s); " +
      "`BENCH_WORKER_PROCESS=0` measures PostgreSQL as one process only; " +
      "`BENCH_DATABASE_URL` (default: TEST_DATABASE_URL, else the local server) is where the throwaway database is created; " +
      "`BENCH_DOCS=1` writes this section after a reduced run, `BENCH_LOG_LEVEL` shows the instance's log.",
  );
  return lines.join("\n") + "\n";
}

// ── main ────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  log(`bench/federation: ${JSON.stringify(params)}, databases: ${dbChoice}, Node ${process.version}`);
  const baseline = cryptoBaseline();
  log(`baseline: RSA-2048 ${baseline.signPerSecond.toFixed(0)} signs/s, ${baseline.verifyPerSecond.toFixed(0)} verifies/s`);
  const actors = await makeActors(params.actors);
  const world = await RemoteWorld.start({
    actors: actors.map((a) => ({ username: a.username, publicKeyPem: a.publicKeyPem })),
    instances: params.instances,
  });
  log(`remote world: actors on port ${world.actorPort}, ${world.instancePorts.length} instances`);
  const kinds: ("postgres" | "pglite")[] = dbChoice === "both" ? ["postgres", "pglite"] : [dbChoice as "postgres" | "pglite"];
  // PostgreSQL as deployed for throughput (docs/admin.md, "Several processes"), then as one process
  type Setup = { kind: "postgres" | "pglite"; withWorker: boolean };
  const setups = kinds.flatMap((kind): Setup[] =>
    kind === "postgres" && workerProcess ? [{ kind, withWorker: true }, { kind, withWorker: false }] : [{ kind, withWorker: false }],
  );
  const results: DbFigures[] = [];
  try {
    for (const { kind, withWorker } of setups) results.push(await benchOne(kind, actors, world, withWorker));
  } finally {
    await world.close();
  }
  const section = renderSection(results, baseline);
  console.log("\n" + section);
  if (writeDocs) {
    const file = updateDocSection("## Federation (bench/federation.ts)", section);
    log(`figures written to ${file}`);
  } else {
    log("reduced run: docs/performance.md left as it is (BENCH_DOCS=1 writes it anyway)");
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
