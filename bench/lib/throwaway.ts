// What every benchmark sets up and must tear down: a free loopback port, a
// throwaway PostgreSQL database, and clean-up that also runs on Ctrl-C.
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import pg from "pg";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

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
