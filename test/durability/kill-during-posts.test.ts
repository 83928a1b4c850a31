// What a crash must not take away: the real server (its bundle, run as
// in production) is killed with SIGKILL four times in the middle of bursts of
// posts and started again on the same data. Every post that was answered 200
// is still there afterwards, and the database — PGlite's files, or PostgreSQL —
// still works.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, testDbKind } from "../helpers/db";
import { sleep } from "../helpers/wait";
import { scriptNodeArgs } from "../../bench/lib/node-command";
import { freePort } from "../../bench/lib/ports";

const SECRET = "durability-secret-durability-secret-0123";
const PASSWORD = "correct horse battery staple";
const CYCLES = 4;
/** acknowledged posts per cycle before the kill (4 × 62 = 248, as in the crash campaign of issue 8) */
const POSTS_PER_CYCLE = 62;
/** concurrent posting clients: several requests are in flight when the process dies */
const CLIENTS = 4;

let dataDir: string;
let port: number;
let env: NodeJS.ProcessEnv;
let dropDatabase: (() => Promise<void>) | undefined;
let server: ChildProcess | undefined;
/** the server's last lines of error output, shown when it does not start */
let stderrTail = "";

const base = () => `http://127.0.0.1:${port}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "parvis-durability-"));
  port = await freePort();
  const inherited = { ...process.env };
  delete inherited.DATABASE_URL;
  env = {
    ...inherited,
    PORT: String(port),
    HOST: "127.0.0.1",
    PARVIS_DOMAIN: `localhost:${port}`,
    PARVIS_DATA_DIR: dataDir,
    PARVIS_SECRET: SECRET,
    PARVIS_ALLOW_PRIVATE_ADDRESS: "true",
    PARVIS_AUTH_RATE_LIMIT: "1000",
    LOG_LEVEL: "error",
  };
  if (testDbKind() === "postgres") {
    const created = await createPostgresDatabase();
    env.DATABASE_URL = created.url;
    dropDatabase = created.drop;
  }
}, 180_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGKILL");
    await exited(server);
  }
  await dropDatabase?.();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts the real server on the data and waits until /healthz answers. */
async function start(): Promise<void> {
  stderrTail = "";
  const child = spawn(process.execPath, scriptNodeArgs("start:server"), { cwd: process.cwd(), env, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4_000);
  });
  server = child;
  // the first start creates the database (PGlite: initdb and every migration)
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderrTail}`);
    const ok = await fetch(`${base()}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the server did not start: ${stderrTail}`);
    await sleep(100);
  }
}

async function kill(): Promise<void> {
  const child = server!;
  child.kill("SIGKILL");
  await exited(child);
}

/** Registers the resident who posts (the first account of the instance), through the API; returns its token. */
async function register(): Promise<string> {
  const res = await fetch(`${base()}/api/v1/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "poster", password: PASSWORD, agreement: true, locale: "fr" }),
  });
  if (!res.ok) throw new Error(`no account: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function post(auth: string, text: string): Promise<Response> {
  return fetch(`${base()}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${auth}`, "content-type": "application/json" },
    body: JSON.stringify({ status: text, visibility: "public" }),
  });
}

/**
 * Posts from CLIENTS clients at once until `count` posts are acknowledged,
 * then kills the server with requests still in flight. Returns the ids of the
 * acknowledged posts, and how many requests failed with the process.
 */
async function burstThenKill(auth: string, cycle: number, count: number): Promise<{ acknowledged: string[]; cut: number }> {
  const acknowledged: string[] = [];
  let cut = 0;
  let refused = 0;
  let n = 0;
  let killing: Promise<void> | undefined;
  const client = async () => {
    while (!killing) {
      const text = `cycle ${cycle} post ${n++}`;
      try {
        const res = await post(auth, text);
        if (res.status !== 200) {
          // not acknowledged; a server that keeps refusing ends the burst (and the test fails on the count)
          await res.arrayBuffer();
          if (++refused > 20) killing ??= kill();
          continue;
        }
        const body = (await res.json()) as { id: string };
        acknowledged.push(body.id);
        if (acknowledged.length >= count) killing ??= kill();
      } catch {
        // the connection died with the process: not acknowledged
        cut++;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  await killing;
  return { acknowledged, cut };
}

/** Every post of the resident, read through the API page by page, and the count its profile shows. */
async function allPosts(auth: string): Promise<{ ids: Set<string>; statusesCount: number }> {
  const me = (await (await fetch(`${base()}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${auth}` } })).json()) as {
    id: string;
    statuses_count: number;
  };
  const ids = new Set<string>();
  let maxId: string | undefined;
  for (;;) {
    const url = `${base()}/api/v1/accounts/${me.id}/statuses?limit=40${maxId ? `&max_id=${maxId}` : ""}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${auth}` } });
    if (!res.ok) throw new Error(`listing failed: ${res.status}`);
    const page = (await res.json()) as { id: string }[];
    if (page.length === 0) return { ids, statusesCount: me.statuses_count };
    for (const s of page) ids.add(s.id);
    maxId = page[page.length - 1].id;
  }
}

describe(`kill -9 during bursts of posts (${testDbKind()})`, () => {
  it("loses none of the acknowledged posts over four crashes, and the database still works", async () => {
    const acknowledged: string[] = [];
    let cut = 0;
    let auth = "";
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await start();
      if (cycle === 0) auth = await register();
      const burst = await burstThenKill(auth, cycle, POSTS_PER_CYCLE);
      acknowledged.push(...burst.acknowledged);
      cut += burst.cut;
    }

    await start();
    const { ids: present, statusesCount } = await allPosts(auth);
    const lost = acknowledged.filter((id) => !present.has(id));
    // still a working database: a new post is stored and read back
    const after = await post(auth, "after the crashes");
    const afterId = after.status === 200 ? ((await after.json()) as { id: string }).id : null;
    const readBack = afterId ? (await fetch(`${base()}/api/v1/statuses/${afterId}`, { headers: { authorization: `Bearer ${auth}` } })).status : null;
    server!.kill("SIGTERM");
    await exited(server!);

    expect({
      acknowledged: acknowledged.length >= CYCLES * POSTS_PER_CYCLE,
      // requests were in flight when the process died
      killedMidBurst: cut > 0,
      lost,
      countMatches: statusesCount === present.size,
      readBack,
    }).toEqual({
      acknowledged: true,
      killedMidBurst: true,
      lost: [],
      // the profile's count (kept by triggers) agrees with the posts there: no half-written transaction
      countMatches: true,
      readBack: 200,
    });
  }, 240_000);
});
