// Which functions of PGlite's WebAssembly V8 may optimise (server/db/pglite-wasm.ts).
//
//   npm run bench:pglite-compile
//
// Runs the same workload (migrations, a small commune seeded, 600 home timelines) in
// two child processes on fresh copies of a data directory: one under V8's default
// dynamic tiering, traced with --trace-wasm-compilation-times, and one under the start
// scripts' flags with the hints of pglite-wasm.ts. It prints every function whose
// optimisation took more than 100 MB of compiler memory in the first (the list to keep
// on Liftoff, with the SHA-256 of this pglite.wasm), whether pglite-wasm.ts already has
// that list, and both processes' peak memory and timeline time: the baseline and the
// hinted run side by side. Figures go to docs/performance.md unless BENCH_DOCS=0.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { pgliteStartParams } from "../server/db/open";
import { createPgliteInChildProcess } from "../server/db/pglite-create";
import { HINT_FLAGS, LIFTOFF_FUNCTIONS, pgliteWasmPath, wasmSha256 } from "../server/db/pglite-wasm";
import { scriptNodeFlags } from "./lib/node-command";
import { machineInfo, percentile, updateDocSection } from "./lib/perf-report";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ZONE_LIMIT = 100 * 1024 * 1024;
const HEADING = "## PGlite's WebAssembly: what V8 may optimise (bench/pglite-compile.ts)";
const started = performance.now();
/** the WebAssembly flags of `npm run start:server` */
const START_WASM_FLAGS = scriptNodeFlags("start:server").filter((w) => w.startsWith("--") && w.includes("wasm"));
if (!HINT_FLAGS.every((f) => START_WASM_FLAGS.includes(f))) throw new Error(`npm run start:server lacks ${HINT_FLAGS.join(" ")}`);

function log(message: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
}

interface Compiled {
  func: number;
  ms: number;
  zoneBytes: number;
  bodyBytes: number;
}

interface Run {
  peakMb: number;
  timelineRoundsMs: number[];
  optimised: Compiled[];
}

/** Runs the workload child under `flags` on a fresh data directory. */
async function runWorkload(label: string, flags: string[]): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), "parvis-pglite-compile-"));
  try {
    const created = await createPgliteInChildProcess(join(dataDir, "pglite"), pgliteStartParams(PGlite.defaultStartParams, {}, join(dataDir, "pglite")));
    log(`  ${label}: data directory created in ${(created.ms / 1000).toFixed(1)} s`);
    const args = [...flags, "--trace-wasm-compilation-times", "--import", "./server/start-hooks.mjs", "bench/lib/pglite-compile-workload.ts", dataDir];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_OPTIONS: "" } });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const result = /\{"peakMb":\d+,"timelineRoundsMs":\[[\d,]*\]\}/.exec(out);
    if (code !== 0 || !result) throw new Error(`${label}: the workload exited with ${code}\n${out.slice(-2000)}`);
    const optimised = [...out.matchAll(/#(\d+) using TurboFan, took (\d+) ms and (\d+)(?: \/ \d+ max\/total)? bytes; bodysize (\d+)/g)].map((m) => ({
      func: Number(m[1]),
      ms: Number(m[2]),
      zoneBytes: Number(m[3]),
      bodyBytes: Number(m[4]),
    }));
    const figures = JSON.parse(result[0]) as { peakMb: number; timelineRoundsMs: number[] };
    log(`  ${label}: peak ${figures.peakMb} MB; 200 home timelines in ${figures.timelineRoundsMs.join(" / ")} ms (3 rounds); ${optimised.length} optimising compilations`);
    return { ...figures, optimised };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const wasmPath = pgliteWasmPath();
  const hash = wasmSha256(readFileSync(wasmPath));
  const pgliteVersion = (JSON.parse(readFileSync(join(dirname(wasmPath), "..", "package.json"), "utf8")) as { version: string }).version;
  log(`bench/pglite-compile: @electric-sql/pglite ${pgliteVersion}, pglite.wasm sha256 ${hash}, Node ${process.version}`);
  const loadBefore = loadavg()[0];
  const baseline = await runWorkload("V8's default tiering", []);
  const hinted = await runWorkload("start scripts' flags", START_WASM_FLAGS);

  const heavy = new Map<number, Compiled>();
  for (const c of baseline.optimised) if (c.zoneBytes > ZONE_LIMIT && (heavy.get(c.func)?.zoneBytes ?? 0) < c.zoneBytes) heavy.set(c.func, c);
  const list = [...heavy.keys()].sort((a, b) => a - b);
  const known = LIFTOFF_FUNCTIONS[hash];
  const agrees = known !== undefined && known.length === list.length && known.every((f, i) => f === list[i]);
  const largestOther = Math.max(0, ...baseline.optimised.filter((c) => !heavy.has(c.func)).map((c) => c.zoneBytes));
  const hintedHeavy = hinted.optimised.filter((c) => heavy.has(c.func));
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

  const m = machineInfo();
  const lines = [
    HEADING,
    "",
    "`npm run bench:pglite-compile` runs one workload (the server's migrations, 30 residents, 400 follows, 1,500 posts, then 3 × 200 raw home timelines) " +
      "in two processes on fresh data directories: under V8's default dynamic tiering, traced with `--trace-wasm-compilation-times` (the baseline), " +
      `and under the start scripts' flags (\`${START_WASM_FLAGS.join(" ")}\`) with the hints of server/db/pglite-wasm.ts. ` +
      "Peak is the process's maximum resident memory, waiting 4 s after the workload for V8's background compilation.",
    "",
    `- Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB memory, ${m.platform}; Node ${process.version}; 1-minute load average ${loadBefore.toFixed(1)} before the run`,
    `- Run: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}, total ${((performance.now() - started) / 1000 / 60).toFixed(1)} min; @electric-sql/pglite ${pgliteVersion}, pglite.wasm sha256 \`${hash}\``,
    "",
    "| | V8's default tiering (baseline) | start scripts' flags, with hints |",
    "|---|---:|---:|",
    `| peak resident memory (MB) | ${baseline.peakMb} | ${hinted.peakMb} |`,
    `| 200 home timelines, median of 3 rounds (ms) | ${median(baseline.timelineRoundsMs)} | ${median(hinted.timelineRoundsMs)} |`,
    `| functions optimised | ${new Set(baseline.optimised.map((c) => c.func)).size} | ${new Set(hinted.optimised.map((c) => c.func)).size} |`,
    "",
    list.length
      ? `Optimised with more than ${mb(ZONE_LIMIT)} MB of compiler memory under default tiering: ${[...heavy.values()]
          .map((c) => `#${c.func} (${c.bodyBytes.toLocaleString("en")}-byte body, ${mb(c.zoneBytes)} MB, ${c.ms} ms)`)
          .join(", ")}; every other optimised function took at most ${mb(largestOther)} MB.`
      : `No function took more than ${mb(ZONE_LIMIT)} MB of compiler memory under default tiering (largest ${mb(largestOther)} MB).`,
    "",
    agrees
      ? `server/db/pglite-wasm.ts keeps exactly these on Liftoff for this build${hintedHeavy.length ? `, **but V8 optimised ${hintedHeavy.map((c) => `#${c.func}`).join(", ")} under the hints**` : ", and under the hints V8 optimised none of them"}.`
      : `**server/db/pglite-wasm.ts does not match**: it has ${known ? `[${known.join(", ")}]` : "no entry"} for this build; add \`"${hash}": [${list.join(", ")}]\` to LIFTOFF_FUNCTIONS.`,
  ];
  const section = lines.join("\n") + "\n";
  console.log("\n" + section);
  if (process.env.BENCH_DOCS !== "0") log(`figures written to ${updateDocSection(HEADING, section)}`);
  if (!agrees || hintedHeavy.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
