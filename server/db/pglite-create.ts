// Creating the embedded database costs PGlite far more memory than running it: for
// PostgreSQL's initdb it starts a second PostgreSQL in the same process and copies its
// whole memory, and V8 optimises the SQL parser on the way. Measured on Node 24: 1.1 GB
// at the peak, and 640 MB still held by the process afterwards (docs/admin.md, "Memory").
// So the server creates a new data directory in a short-lived child process, with
// Node's --liftoff-only (nothing there is worth optimising), and then opens it as it
// opens any existing one: its own memory never carries the creation.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { paths } from "../paths";

const CHILD_SCRIPT = paths.pgliteCreateChild;

/** Whether `dir` already holds a PostgreSQL data directory. */
export function pgliteDataDirectoryExists(dir: string): boolean {
  return existsSync(join(dir, "PG_VERSION"));
}

export interface PgliteCreation {
  /** milliseconds from spawning the child until it exited */
  ms: number;
  /** the child's peak resident memory, in MB */
  peakMb: number;
}

/** Runs PGlite's database creation in `dir` in a child process and waits for it to finish. */
export function createPgliteInChildProcess(dir: string, startParams: readonly string[]): Promise<PgliteCreation> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--liftoff-only", CHILD_SCRIPT, dir, JSON.stringify(startParams)], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err = (err + chunk).slice(-4000)));
    child.once("error", (e) => reject(new Error(`could not start the process that creates the embedded database: ${e.message}`)));
    child.once("exit", (code, signal) => {
      const report = /\{"peakMb":\d+\}\s*$/.exec(out);
      if (code === 0 && report) {
        resolve({ ms: performance.now() - t0, peakMb: (JSON.parse(report[0]) as { peakMb: number }).peakMb });
        return;
      }
      const why = err.trim().split("\n").slice(-6).join("\n") || `exit ${code ?? signal}`;
      reject(new Error(`could not create the embedded database in ${dir}:\n${why}`));
    });
  });
}
