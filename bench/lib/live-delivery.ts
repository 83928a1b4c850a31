// The live-delivery benchmark shared by bench/realtime.ts (socket.io) and
// bench/streaming.ts (the Mastodon streaming API): residents following one
// author, each with a live client, the author posting through the API, and the
// delay from each POST to each client receiving the post. The scripts differ only
// in how a client connects and in what they report.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../server/config";
import { openDatabase } from "../../server/db/open";
import { registerAccount } from "../../server/domain/accounts";
import { issueToken } from "../../server/auth/tokens";
import { EventBus } from "../../server/events";
import { follows } from "../../server/db/schema";
import { newId } from "../../server/ids";
import { summarize } from "./perf-report";
import { freePort } from "./ports";
import { createThrowawayDatabase } from "./throwaway";

export interface LiveClient {
  close(): void;
}

export interface LiveDeliveryOptions {
  /** for logs and the temporary data directory */
  name: string;
  clients: number;
  posts: number;
  postIntervalMs: number;
  /** PostgreSQL server where a throwaway database is made */
  adminUrl: string;
  /** opens one resident's client; calls onUpdate with each new status id it receives; resolves once connected */
  connect(origin: string, token: string, onUpdate: (statusId: string) => void): Promise<LiveClient>;
}

type Summary = ReturnType<typeof summarize>;

export interface LiveDeliveryResult {
  /** from each POST returning to each client receiving (ms) */
  fromReturn: Summary;
  /** from each POST being sent (ms) */
  fromStart: Summary;
  /** GET /healthz round trips on the same server with the clients connected: the floor of any request */
  baseline: Summary;
  missing: number;
  connectMs: number;
  rssIdle: number;
  rssConnected: number;
  peakRss: number;
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLiveDelivery(o: LiveDeliveryOptions): Promise<LiveDeliveryResult> {
  const log = (...args: unknown[]) => console.error(`[bench:${o.name}]`, ...args);
  const secret = randomBytes(32).toString("hex");
  const created = await createThrowawayDatabase(o.adminUrl);
  const dbUrl = created.url;
  const dataDir = mkdtempSync(join(tmpdir(), `parvis-bench-${o.name}-`));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn> | undefined;
  const clients: LiveClient[] = [];
  try {
    log(`seeding ${o.clients} residents following one author`);
    const database = await openDatabase({ url: dbUrl, poolSize: 4 });
    const config = loadConfig({ PARVIS_DOMAIN: `127.0.0.1:${port}`, PARVIS_SECRET: secret, PARVIS_DATA_DIR: dataDir, DATABASE_URL: dbUrl });
    const ctx = { db: database.db, events: new EventBus(), config };
    const author = await registerAccount(ctx, { username: "author", password: "bench password", force: true, role: "resident" });
    const authorToken = (await issueToken(ctx, { userId: author.user.id })).accessToken;
    const tokens: string[] = [];
    // one registration per resident, through the domain (argon2 included): slow but honest
    for (let i = 0; i < o.clients; i++) {
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
        PARVIS_SECRET: secret,
        // the author posts faster than a resident may
        PARVIS_RATE_LIMIT_STATUSES: "100000000/1h",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    for (let i = 0; ; i++) {
      if (await fetch(`${origin}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 240) throw new Error("server did not start");
      await sleep(250);
    }
    const pid = child.pid!;
    const rssIdle = rssMb(pid);

    log(`connecting ${o.clients} clients`);
    const received = new Map<string, number[]>();
    const onUpdate = (id: string) => {
      const now = performance.now();
      const list = received.get(id);
      if (list) list.push(now);
      else received.set(id, [now]);
    };
    const connectStart = performance.now();
    for (let i = 0; i < o.clients; i += 50) {
      clients.push(...(await Promise.all(tokens.slice(i, i + 50).map((token) => o.connect(origin, token, onUpdate)))));
    }
    const connectMs = performance.now() - connectStart;
    const rssConnected = rssMb(pid);

    // baseline: the same server's cheapest round trip, with the clients connected
    const baseline: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = performance.now();
      await fetch(`${origin}/healthz`);
      baseline.push(performance.now() - s);
    }

    log(`posting ${o.posts} times`);
    const sent: { id: string; start: number; returned: number }[] = [];
    let peakRss = rssConnected;
    for (let i = 0; i < o.posts; i++) {
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
      peakRss = Math.max(peakRss, rssMb(pid));
      await sleep(o.postIntervalMs);
    }
    // wait for the last deliveries
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && sent.some((s) => (received.get(s.id)?.length ?? 0) < o.clients)) await sleep(100);
    peakRss = Math.max(peakRss, rssMb(pid));

    const fromReturn: number[] = [];
    const fromStart: number[] = [];
    let missing = 0;
    for (const s of sent) {
      const times = received.get(s.id) ?? [];
      missing += o.clients - times.length;
      for (const t of times) {
        fromReturn.push(Math.max(0, t - s.returned));
        fromStart.push(t - s.start);
      }
    }
    return {
      fromReturn: summarize(fromReturn, 1),
      fromStart: summarize(fromStart, 1),
      baseline: summarize(baseline, 1),
      missing,
      connectMs,
      rssIdle,
      rssConnected,
      peakRss,
    };
  } finally {
    for (const c of clients) c.close();
    if (child) {
      child.kill("SIGTERM");
      await new Promise((r) => child!.once("exit", r));
    }
    await created.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
