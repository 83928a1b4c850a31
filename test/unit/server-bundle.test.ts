// The production server is the bundle (dist/server, `npm run start:server`), not
// the sources the other tests load. This runs it as `npm start` does (its runner,
// server/run-bundle.mjs, with the script's flags and environment), on a new
// PGlite data directory, and goes through the paths that load something at run
// time rather than at start: the database's migrations and its creation in a child
// process, password hashing (argon2, native), an image upload (multer, then sharp,
// native), ActivityPub documents (Fedify, JSON-LD), WebFinger, the Mastodon
// streaming WebSocket (ws), the built web client, the server's own static files,
// and a malformed body (body-parser's error). A path resolved from the bundle's
// location instead of the project's, or a bundled package that reads a file next
// to itself, fails here.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { scriptEnv, scriptNodeArgs } from "../../bench/lib/node-command";
import { projectRoot } from "../../server/paths";
import { freePort } from "../../bench/lib/ports";
import { sleep } from "../helpers/wait";

const dataDir = mkdtempSync(join(tmpdir(), "parvis-bundle-"));
/** Node's compile cache and the bundle's code cache (server/run-bundle.mjs) */
const cacheDir = mkdtempSync(join(tmpdir(), "parvis-bundle-cache-"));
let child: ChildProcess;
let base: string;
let host: string;
let stderr = "";
const PASSWORD = "a long enough password 1234";

beforeAll(async () => {
  const args = scriptNodeArgs("start:server");
  expect(args.at(-1)).toBe("server/run-bundle.mjs");
  const port = await freePort();
  host = `localhost:${port}`;
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: {
      ...process.env,
      ...scriptEnv("start:server"),
      PARVIS_COMPILE_CACHE: cacheDir,
      DATABASE_URL: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      PARVIS_DOMAIN: host,
      PARVIS_DATA_DIR: dataDir,
      PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789",
      PARVIS_REGISTRATION_MODE: "open",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bundled server exited with ${child.exitCode}: ${stderr}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error("the bundled server did not start");
    await sleep(100);
  }
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers: { host, ...headers } });

describe("the bundled server (npm start)", () => {
  let token = "";

  it("registers a resident (argon2) and reads the account back", async () => {
    const res = await fetch(`${base}/api/v1/accounts`, {
      method: "POST",
      headers: { host, "content-type": "application/json" },
      body: JSON.stringify({ username: "alice", password: PASSWORD, email: "alice@example.org", agreement: true, locale: "fr" }),
    });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
    const me = await get("/api/v1/accounts/verify_credentials", { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe("alice");
  });

  it("takes an image (multer, sharp), posts it, streams the post over the Mastodon WebSocket, and serves the image", async () => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/api/v1/streaming?stream=user`, [token], { headers: { host } });
    const messages: { event: string; payload: string }[] = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    try {
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 0, g: 0, b: 145 } } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "parvis.png");
      form.append("description", "un carré bleu");
      const media = await fetch(`${base}/api/v2/media`, { method: "POST", headers: { host, authorization: `Bearer ${token}` }, body: form });
      expect([200, 202]).toContain(media.status);
      const attachment = (await media.json()) as { id: string; type: string; meta: { original: { width: number; height: number } } };
      expect(attachment.type).toBe("image");
      expect(attachment.meta.original).toMatchObject({ width: 64, height: 48 });

      const posted = await fetch(`${base}/api/v1/statuses`, {
        method: "POST",
        headers: { host, authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ status: "Le marché de la place est ouvert <script>alert(1)</script>", media_ids: [attachment.id] }),
      });
      expect(posted.status).toBe(200);
      const status = (await posted.json()) as { id: string; content: string; media_attachments: { url: string }[] };
      expect(status.content).not.toContain("<script");
      const deadline = Date.now() + 10_000;
      while (!messages.some((m) => m.event === "update") && Date.now() < deadline) await sleep(50);
      expect(JSON.parse(messages.find((m) => m.event === "update")!.payload).id).toBe(status.id);

      const image = await fetch(status.media_attachments[0].url.replace(`http://${host}`, base), { headers: { host } });
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toMatch(/^image\//);
      expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(64);
    } finally {
      ws.close();
    }
  });

  it("answers WebFinger and ActivityPub requests (Fedify, JSON-LD)", async () => {
    const finger = await get(`/.well-known/webfinger?resource=acct:alice@${host}`);
    expect(finger.status).toBe(200);
    const links = ((await finger.json()) as { links: { rel: string; href?: string }[] }).links;
    const self = links.find((l) => l.rel === "self")!.href!;
    const actor = await get(new URL(self).pathname, { accept: "application/activity+json" });
    expect(actor.status).toBe(200);
    const doc = (await actor.json()) as { type: string; preferredUsername: string; publicKey: { publicKeyPem: string } };
    expect(doc).toMatchObject({ type: "Person", preferredUsername: "alice" });
    expect(doc.publicKey.publicKeyPem).toContain("BEGIN PUBLIC KEY");
    const outbox = await get(`${new URL(self).pathname}/outbox`, { accept: "application/activity+json" });
    expect(outbox.status).toBe(200);
    expect(((await outbox.json()) as { totalItems: number }).totalItems).toBe(1);
  });

  it("serves the web client in French, and the server's own static files", async () => {
    const page = await get("/", { accept: "text/html" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html lang="fr">');
    const css = await get("/oauth/authorize.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
  });

  it("refuses a malformed body with a 400 and stores nothing", async () => {
    const res = await fetch(`${base}/api/v1/statuses`, {
      method: "POST",
      headers: { host, authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: '{"status": "cassé',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty("error");
    const mine = await get("/api/v1/timelines/home", { authorization: `Bearer ${token}` });
    expect(((await mine.json()) as unknown[]).length).toBe(1);
  });

  it("writes V8's code cache of the bundle a few seconds after starting", async () => {
    const caches = () => readdirSync(cacheDir, { recursive: true, encoding: "utf8" }).filter((f) => /parvis-server-[0-9a-f]+-[0-9a-f]+\.v8cache$/.test(f));
    const deadline = Date.now() + 20_000;
    while (caches().length === 0 && Date.now() < deadline) await sleep(200);
    expect(caches()).toHaveLength(1);
  });

  it("stops on SIGTERM with exit code 0, having logged no error", async () => {
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
  });
});

describe("the container image", () => {
  it("runs what `npm run start:server` runs, after building both the client and the server", () => {
    const dockerfile = readFileSync(join(projectRoot, "Dockerfile"), "utf8");
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd).toEqual(["node_modules/.bin/node", ...scriptNodeArgs("start:server")]);
    for (const [name, value] of Object.entries(scriptEnv("start:server"))) expect(dockerfile).toMatch(new RegExp(`^ +${name}=${value}$`, "m"));
    expect(dockerfile).toMatch(/^RUN npm run build /m);
  });
});
