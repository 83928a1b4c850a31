// What every benchmark sets up and must tear down: a free loopback port, a
// throwaway PostgreSQL database, and clean-up that also runs on Ctrl-C.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { loadConfig, type Config } from "../../server/config";
import { freePort } from "./ports";

/** Run on Ctrl-C too: a throwaway database or data dir must not outlive the run. */
export const cleanups = new Set<() => Promise<void>>();

export function cleanUpOnInterrupt(log: (message: string) => void): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
    });
  }
}

export async function createThrowawayDatabase(admin: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `parvis_bench_${randomBytes(5).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface BenchSite {
  /** data dir (PGlite lives in its "pglite" folder) */
  dataDir: string;
  /** the throwaway PostgreSQL database, when kind is "postgres" */
  url: string | undefined;
  dropDatabase: (() => Promise<void>) | undefined;
  port: number;
  config: Config;
}

/** A data dir, a throwaway database (PostgreSQL) and a loopback configuration for one benchmarked instance. */
export async function prepareBenchSite(
  kind: "postgres" | "pglite",
  options: { adminUrl: string; dirPrefix: string; log: (message: string) => void; env?: Record<string, string> },
): Promise<BenchSite> {
  const dataDir = mkdtempSync(join(tmpdir(), options.dirPrefix));
  let url: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (kind === "postgres") {
    const created = await createThrowawayDatabase(options.adminUrl);
    url = created.url;
    dropDatabase = created.drop;
    options.log(`  database ${created.name} created`);
  }
  const port = await freePort();
  const config = loadConfig({
    PARVIS_DOMAIN: `localhost:${port}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    PARVIS_DATA_DIR: dataDir,
    PARVIS_SECRET: randomBytes(32).toString("base64url"),
    PARVIS_COMMUNE_NAME: "Benchville",
    PARVIS_AUTH_RATE_LIMIT: "100000",
    // load generators post far faster than any resident may
    PARVIS_RATE_LIMIT_STATUSES: "100000000/1h",
    PARVIS_RATE_LIMIT_MEDIA: "100000000/1h",
    PARVIS_RATE_LIMIT_FOLLOWS: "100000000/1h",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
    ...options.env,
  });
  return { dataDir, url, dropDatabase, port, config };
}

/**
 * A queue worker in its own process (PARVIS_PROCESS_ROLE=worker) beside a benchmarked
 * instance serving the web: the deployment docs/admin.md describes for using every core.
 * Resolves once it answers /healthz; `stop()` sends SIGTERM and waits for it to exit.
 */
export async function startWorkerProcess(config: Config, databaseUrl: string, log: (message: string) => void): Promise<{ stop: () => Promise<void> }> {
  const port = await freePort();
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const child = spawn(process.execPath, ["--max-semi-space-size=8", "--import", "tsx", join(root, "server", "main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PARVIS_DOMAIN: config.domain,
      PORT: String(port),
      HOST: "127.0.0.1",
      PARVIS_DATA_DIR: config.dataDir,
      PARVIS_SECRET: config.secret,
      PARVIS_COMMUNE_NAME: config.commune.name,
      PARVIS_PROCESS_ROLE: "worker",
      PARVIS_ALLOW_PRIVATE_ADDRESS: String(config.allowPrivateAddress),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the worker process exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the worker process did not start within 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`  worker process ${child.pid} started (PARVIS_PROCESS_ROLE=worker)`);
  return {
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
