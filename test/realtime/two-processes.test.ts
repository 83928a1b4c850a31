// Two server processes on one PostgreSQL database, with the socket.io adapter:
// a browser connected to process B receives a post created through process A.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import WebSocket from "ws";
import { openDatabase } from "../../server/db/open";
import { follow } from "../../server/domain/follows";
import { realtimeModule, type StreamMessage } from "../../server/realtime";
import { createPostgresDatabase, testDbKind } from "../helpers/db";
import { startInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";
import { sleep } from "../helpers/wait";
import { scriptNodeArgs } from "../../bench/lib/node-command";
import { freePort } from "../../bench/lib/ports";

const SECRET = "test-secret-test-secret-test-secret-0123456789";

describe.runIf(testDbKind() === "postgres")("several processes", () => {
  let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let a: TestInstance;
  let b: ChildProcess;
  let bUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    created = await createPostgresDatabase();
    const env = { DATABASE_URL: created.url, PARVIS_REALTIME_ADAPTER: "postgres" };
    a = await startInstance({ env, database: await openDatabase({ url: created.url, poolSize: 4 }), modules: () => [realtimeModule] });
    const port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), "parvis-b-"));
    b = spawn(process.execPath, scriptNodeArgs("start:server"), {
      cwd: process.cwd(),
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        HOST: "127.0.0.1",
        PARVIS_DOMAIN: a.config.domain,
        PARVIS_DATA_DIR: dataDir,
        PARVIS_SECRET: SECRET,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    bUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 150_000;
    for (;;) {
      const ok = await fetch(`${bUrl}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error("process B did not start");
      await sleep(250);
    }
  }, 180_000);

  afterAll(async () => {
    b?.kill("SIGTERM");
    await new Promise((r) => b?.once("exit", r));
    await a?.stop();
    await created?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("a socket connected to process B receives a post created through process A", async () => {
    const alice = await createResident(a, "alice");
    const bob = await createResident(a, "bob");
    await follow(a.services.domain, bob.account, alice.account);
    const socket = connect(bUrl, { path: "/socket.io", transports: ["websocket"], auth: { token: bob.token }, forceNew: true });
    const received = new Promise<StreamMessage>((resolve) => socket.on("message", (m: StreamMessage) => m.event === "update" && resolve(m)));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    // let the adapters of both processes see each other
    await sleep(1500);
    const res = await a.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "across processes" });
    expect(res.status).toBe(200);
    const message = await Promise.race([received, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
    socket.disconnect();
    expect((message?.payload as { id: string } | undefined)?.id).toBe(res.body.id);
  });

  it("a socket connected to process B closes when its token is revoked through process A", async () => {
    const carol = await createResident(a, "carol");
    const socket = connect(bUrl, { path: "/socket.io", transports: ["websocket"], auth: { token: carol.token }, forceNew: true, reconnection: false });
    const closed = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    await sleep(1500);
    expect((await a.http.post("/oauth/revoke").send({ token: carol.token })).status).toBe(200);
    const reason = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r("still open"), 10_000))]);
    socket.disconnect();
    expect(reason).toBe("io server disconnect");
  });

  it("a Mastodon stream on process B receives a post created through process A, and closes when A revokes its token", async () => {
    const alice = await createResident(a, "alice2");
    const bob = await createResident(a, "bob2");
    await follow(a.services.domain, bob.account, alice.account);
    const ws = new WebSocket(`${bUrl.replace("http", "ws")}/api/v1/streaming?stream=user`, [bob.token]);
    const messages: { event: string; payload: string }[] = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await sleep(1500);
    const res = await a.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "across processes, Mastodon style" });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m.event === "update") && Date.now() < deadline) await sleep(100);
    expect(JSON.parse(messages.find((m) => m.event === "update")!.payload).id).toBe(res.body.id);
    a.services.events.emit("tokens.revoked", { userId: bob.user.id, tokenIds: null });
    const code = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
    expect(code).toBe(1008);
  });
});
