// bench/streaming.ts — the Mastodon streaming API under load (`tsx bench/streaming.ts`).
// 1,000 WebSocket clients (residents, as third-party apps connect: /api/v1/streaming
// with the token as Sec-WebSocket-Protocol, subscribed to the user stream) on a
// Parvis server process, all following one author who posts 100 times through the
// API; measures the delay from each POST returning to each client receiving the
// `update` (p50/p99) and the server's resident memory. Baseline of the same run: the
// round trip of GET /healthz on the same server, with the clients connected.
//
// Runs on PostgreSQL (a throwaway database on BENCH_DATABASE_URL or the local
// server), the server in a child process so its memory is its own.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { loadConfig } from "../server/config";
import { openDatabase } from "../server/db/open";
import { registerAccount } from "../server/domain/accounts";
import { issueToken } from "../server/auth/tokens";
import { EventBus } from "../server/events";
import { follows } from "../server/db/schema";
import { newId } from "../server/ids";
import { machineInfo, summarize, updateDocSection } from "./lib/perf-report";
import { createThrowawayDatabase, freePort } from "./lib/throwaway";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const POSTS = Number(process.env.BENCH_POSTS ?? 100);
const POST_INTERVAL_MS = Number(process.env.BENCH_POST_INTERVAL_MS ?? 100);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SECRET = randomBytes(32).toString("hex");

const log = (...args: unknown[]) => console.error("[bench:streaming]", ...args);


function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function main() {
  const created = await createThrowawayDatabase(ADMIN_URL);
  const dbUrl = created.url;
  const dataDir = mkdtempSync(join(tmpdir(), "parvis-bench-stream-"));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn> | undefined;
  const sockets: WebSocket[] = [];
  try {
    log(`seeding ${CLIENTS} residents following one author`);
    const database = await openDatabase({ url: dbUrl, poolSize: 4 });
    const config = loadConfig({ PARVIS_DOMAIN: `127.0.0.1:${port}`, PARVIS_SECRET: SECRET, PARVIS_DATA_DIR: dataDir, DATABASE_URL: dbUrl });
    const ctx = { db: database.db, events: new EventBus(), config };
    const author = await registerAccount(ctx, { username: "author", password: "bench password", force: true, role: "resident" });
    const authorToken = (await issueToken(ctx, { userId: author.user.id })).accessToken;
    const tokens: string[] = [];
    // one registration per resident, through the domain (argon2 included): slow but honest
    for (let i = 0; i < CLIENTS; i++) {
      const r = await registerAccount(ctx, { username: `r${i}`, password: "bench password", force: true, role: "resident" });
      tokens.push((await issueToken(ctx, { userId: r.user.id })).accessToken);
      await database.db.insert(follows).values({ id: newId(), accountId: r.account.id, targetAccountId: author.account.id });
      if (i % 200 === 199) log(`  ${i + 1} residents`);
    }
    await database.close();

    log("starting the server process");
    // one process (no tsx launcher in between), so that its memory is the server's
    child = spawn(process.execPath, ["--max-semi-space-size=8", "--import", "tsx", "server/main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        PORT: String(port),
        HOST: "127.0.0.1",
        PARVIS_DOMAIN: `127.0.0.1:${port}`,
        PARVIS_DATA_DIR: dataDir,
        PARVIS_SECRET: SECRET,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    for (let i = 0; ; i++) {
      if (await fetch(`${origin}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 240) throw new Error("server did not start");
      await new Promise((r) => setTimeout(r, 250));
    }
    const rssIdle = rssMb(child.pid!);

    log(`connecting ${CLIENTS} clients`);
    const received = new Map<string, number[]>();
    const connectStart = performance.now();
    for (let i = 0; i < CLIENTS; i += 50) {
      await Promise.all(
        tokens.slice(i, i + 50).map(
          (token) =>
            new Promise<void>((resolve, reject) => {
              const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/streaming?stream=user`, [token]);
              socket.on("message", (data) => {
                // one JSON.parse per message, as a socket.io client does; the status id is the payload's first key
                const m = JSON.parse(String(data)) as { event: string; payload: string };
                if (m.event !== "update") return;
                const now = performance.now();
                const id = /^\{"id":"(\d+)"/.exec(m.payload)?.[1] ?? "";
                const list = received.get(id);
                if (list) list.push(now);
                else received.set(id, [now]);
              });
              socket.once("open", () => resolve());
              socket.once("error", reject);
              sockets.push(socket);
            }),
        ),
      );
    }
    const connectMs = performance.now() - connectStart;
    const rssConnected = rssMb(child.pid!);

    // baseline: the same server's cheapest round trip, with the clients connected
    const baseline: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await fetch(`${origin}/healthz`);
      baseline.push(performance.now() - s);
    }

    log(`posting ${POSTS} times`);
    const sent: { id: string; start: number; returned: number }[] = [];
    let peakRss = rssConnected;
    for (let i = 0; i < POSTS; i++) {
      const start = performance.now();
      const res = await fetch(`${origin}/api/v1/statuses`, {
        method: "POST",
        headers: { authorization: `Bearer ${authorToken}`, "content-type": "application/json" },
        body: JSON.stringify({ status: `Annonce n°${i} pour tout le quartier` }),
      });
      const returned = performance.now();
      if (!res.ok) throw new Error(`post failed: ${res.status}`);
      const body = (await res.json()) as { id: string };
      sent.push({ id: body.id, start, returned });
      peakRss = Math.max(peakRss, rssMb(child.pid!));
      await new Promise((r) => setTimeout(r, POST_INTERVAL_MS));
    }
    // wait for the last deliveries
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && sent.some((s) => (received.get(s.id)?.length ?? 0) < CLIENTS)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    peakRss = Math.max(peakRss, rssMb(child.pid!));

    const fromReturn: number[] = [];
    const fromStart: number[] = [];
    let missing = 0;
    for (const s of sent) {
      const times = received.get(s.id) ?? [];
      missing += CLIENTS - times.length;
      for (const t of times) {
        fromReturn.push(Math.max(0, t - s.returned));
        fromStart.push(t - s.start);
      }
    }
    const ret = summarize(fromReturn, 1);
    const st = summarize(fromStart, 1);
    const base = summarize(baseline, 1);
    const m = machineInfo();
    const fmt = (n: number) => n.toFixed(1);
    const goals = {
      latency: ret.p99 < 100,
      memory: peakRss < 300,
    };
    const section = `## Mastodon streaming (bench/streaming.ts)

Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${process.version}, PostgreSQL; run with \`tsx bench/streaming.ts\`.${process.env.BENCH_NOTE ? ` ${process.env.BENCH_NOTE}` : ""}
${CLIENTS} WebSocket clients on \`/api/v1/streaming?stream=user\` (token as Sec-WebSocket-Protocol, as masto.js sends it), each a resident following one author who posts ${POSTS} times (one post every ${POST_INTERVAL_MS} ms) through \`POST /api/v1/statuses\`; the server runs in its own process.

| measure | p50 | p99 | max |
| --- | --- | --- | --- |
| delivery, from the POST returning to the client receiving (ms) | ${fmt(ret.p50)} | ${fmt(ret.p99)} | ${fmt(ret.max)} |
| delivery, from the POST being sent (ms) | ${fmt(st.p50)} | ${fmt(st.p99)} | ${fmt(st.max)} |
| baseline: \`GET /healthz\` round trip on the same server (ms) | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(base.max)} |

- Deliveries expected ${CLIENTS * POSTS}, missing ${missing}.
- Connecting ${CLIENTS} clients took ${(connectMs / 1000).toFixed(1)} s.
- Server resident memory: ${fmt(rssIdle)} MB idle, ${fmt(rssConnected)} MB with ${CLIENTS} clients connected, ${fmt(peakRss)} MB at peak while posting.

Goals (those of the socket.io stream): delivery p99 under 100 ms — ${goals.latency ? "met" : "**not met**"}; server under 300 MB resident — ${goals.memory ? "met" : "**not met**"}.
`;
    console.log(section);
    // a reduced run is for trying things out: only the full size (or BENCH_DOCS=1) rewrites the doc
    if ((CLIENTS >= 1000 && POSTS >= 100) || process.env.BENCH_DOCS === "1") updateDocSection("## Mastodon streaming (bench/streaming.ts)", section);
  } finally {
    for (const s of sockets) s.terminate();
    if (child) {
      child.kill("SIGTERM");
      await new Promise((r) => child!.once("exit", r));
    }
    await created.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
