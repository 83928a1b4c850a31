// A graceful stop of the server (SIGTERM, as systemd or docker send it) leaves the
// embedded database flushed: the next start has no write-ahead log to replay. The
// control case, a killed server, shows that the check would see a replay.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../server/db/open";
import { rowsOf } from "../../server/db/rows";
import { sleep } from "../helpers/wait";
import { scriptNodeArgs } from "../../bench/lib/node-command";
import { freePort } from "../../bench/lib/ports";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "parvis-shutdown-"));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts the server as `npm run start:server` does on the PGlite data dir, waits for /healthz, registers an app, then stops it with `signal`. */
async function runServer(signal: "SIGTERM" | "SIGKILL"): Promise<number | null> {
  const port = await freePort();
  const child = spawn(process.execPath, scriptNodeArgs("start:server"), {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      PARVIS_DATA_DIR: dataDir,
      PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789",
      LOG_LEVEL: "silent",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error("the server did not start");
      await sleep(100);
    }
    // some work for the write-ahead log: an app registration
    const app = await fetch(`http://127.0.0.1:${port}/api/v1/apps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "shutdown test", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" }),
    });
    expect(app.status).toBe(200);
  } finally {
    child.kill(signal);
  }
  return exited;
}

async function reopen(): Promise<{ recovered: boolean; apps: number }> {
  const database = await openDatabase({ dataDir: join(dataDir, "pglite") });
  try {
    const rows = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from apps`));
    return { recovered: database.recovered ?? false, apps: Number(rows[0].n) };
  } finally {
    await database.close();
  }
}

describe("graceful shutdown on PGlite", () => {
  it("a server stopped with SIGTERM exits 0 and leaves nothing to replay", { timeout: 300_000 }, async () => {
    expect(await runServer("SIGTERM")).toBe(0);
    const after = await reopen();
    expect(after.recovered).toBe(false);
    expect(after.apps).toBe(1);
  });

  it("a killed server leaves a write-ahead log that the next start replays (the control case)", { timeout: 300_000 }, async () => {
    await runServer("SIGKILL");
    const after = await reopen();
    expect(after.recovered).toBe(true);
    expect(after.apps).toBe(2);
  });
});
