// Child process of bench/pglite-compile.ts: opens an existing PGlite data directory as
// the server does (migrations), seeds a small commune, reads home timelines, waits for
// V8's background compilation to finish, and prints its figures as one JSON line.
//   node [V8 flags] --import ./server/start-hooks.mjs bench/lib/pglite-compile-workload.ts <data dir>
import { performance } from "node:perf_hooks";
import { loadConfig } from "../../server/config";
import { openDatabase } from "../../server/db/open";
import type { DomainContext } from "../../server/domain/context";
import { homeTimeline } from "../../server/domain/timelines";
import { EventBus } from "../../server/events";
import { seedSmallCommune } from "./small-commune";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: pglite-compile-workload.ts <data dir>");
const config = loadConfig({ PARVIS_DOMAIN: "bench.invalid", PARVIS_DATA_DIR: dataDir, PARVIS_SECRET: "bench-secret-bench-secret-bench-secret-0123", LOG_LEVEL: "silent" });
const database = await openDatabase({ dataDir: `${dataDir}/pglite` });
const ctx: DomainContext = { db: database.db, events: new EventBus(), config };
const residents = await seedSmallCommune(ctx, database.db, { residents: 30, follows: 400, posts: 1500 });
const timings: number[] = [];
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) await homeTimeline(ctx, residents[i % residents.length]!.accountId, { limit: 20 });
  timings.push(performance.now() - t0);
}
// what V8 still compiles in the background belongs to the figure
await new Promise((resolve) => setTimeout(resolve, 4000));
await database.close();
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ peakMb: rssMb, timelineRoundsMs: timings.map((t) => Math.round(t)) })}\n`);
