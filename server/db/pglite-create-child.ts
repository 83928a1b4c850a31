// Child process of pglite-create.ts: creates a PGlite data directory, flushes it and
// exits, reporting its own peak memory on stdout. Run by plain Node (type stripping):
// it imports nothing of ours.
//   node --liftoff-only server/db/pglite-create-child.ts <dir> <start parameters as JSON>
import { PGlite } from "@electric-sql/pglite";

const [dir, params] = process.argv.slice(2);
if (!dir || !params) {
  console.error("usage: pglite-create-child.ts <dir> <start parameters as JSON>");
  process.exit(2);
}
const db = await PGlite.create(dir, { startParams: JSON.parse(params) as string[] });
await db.exec("checkpoint");
await db.close();
// maxRSS is in kilobytes
process.stdout.write(`${JSON.stringify({ peakMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
