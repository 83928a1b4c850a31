// Data export benchmark: a resident with 10,000 posts and 500 MB of media
// (incompressible files, as photos are) archived by the export job's
// writeArchive, next to the same run's baselines: reading every media file
// once, and Info-ZIP's `zip -0` (store, like the archive's media) of the
// same files. Peak RSS is sampled during each step; the goal is under 60 s
// with memory flat in the archive size (a second resident with a fifth of the
// media is archived too, and the growth of the two compared).
//
//   npm run bench:export                                    (PGlite, 10,000 posts, 500 MB)
//   BENCH_POSTS=2000 BENCH_MEDIA_MB=100 npm run bench:export
//   BENCH_DOCS=1 npm run bench:export                       also writes docs/performance.md
//     (refused when the 1-minute load average before the run is above the core
//      count / 2: the figures of a busy machine say nothing)
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, linkSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { loadConfig } from "../server/config";
import { mediaAttachments, statuses } from "../server/db/schema";
import { registerAccount } from "../server/domain/accounts";
import { writeArchive } from "../server/domain/export/archive";
import { mediaDir } from "../server/domain/media";
import { newId } from "../server/ids";
import { buildServices } from "../server/instance";
import { createLogger } from "../server/logger";
import { machineInfo, updateDocSection } from "./lib/perf-report";

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got "${raw}")`);
  return n;
}

const POSTS = intEnv("BENCH_POSTS", 10_000);
const MEDIA_MB = intEnv("BENCH_MEDIA_MB", 500);
const FILE_KB = 512;

/** Runs `fn`, sampling the process's RSS every 20 ms: wall time and peak RSS. */
async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; peakMb: number; startMb: number }> {
  global.gc?.();
  const startMb = process.memoryUsage().rss / 1e6;
  let peak = startMb;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss / 1e6);
  }, 20);
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss / 1e6);
  return { ms, peakMb: peak, startMb };
}

async function main(): Promise<void> {
  // the machine's own load before this run adds its one busy core
  const loadBefore = loadavg()[0];
  const dataDir = mkdtempSync(join(tmpdir(), "parvis-bench-export-"));
  const log = (m: string) => process.stderr.write(`[bench:export] ${m}\n`);
  try {
    const config = loadConfig({ PARVIS_DATA_DIR: dataDir, PARVIS_SECRET: "bench-secret-bench-secret-bench-secret-0123", LOG_LEVEL: "silent", PARVIS_DOMAIN: "bench.example" });
    const services = await buildServices(config, { logger: createLogger("silent") });
    const ctx = services.domain;
    const dir = mediaDir(ctx);
    mkdirSync(dir, { recursive: true });
    const chunk = randomBytes(FILE_KB * 1024);
    let fileCounter = 0;
    /** A resident with POSTS posts and `mb` MB of media files. */
    const seedResident = async (username: string, mb: number) => {
      const { account } = await registerAccount(ctx, { username, password: "correct horse battery", force: true });
      log(`seeding @${username}: ${POSTS} posts and ${mb} MB of media…`);
      const files = Math.ceil((mb * 1024) / FILE_KB);
      const postIds: string[] = [];
      for (let i = 0; i < POSTS; i += 1000) {
        const rows = Array.from({ length: Math.min(1000, POSTS - i) }, (_, k) => {
          const id = newId();
          postIds.push(id);
          return {
            id,
            uri: `${config.origin}/users/${username}/statuses/${id}`,
            url: `${config.origin}/@${username}/${id}`,
            accountId: account.id,
            content: `<p>Message ${i + k} : le marché, la mairie, le conseil de quartier, les travaux de la rue Haute. #commune</p>`,
            text: `Message ${i + k}`,
            visibility: "public" as const,
            local: true,
            language: "fr",
          };
        });
        await services.db.insert(statuses).values(rows);
      }
      for (let i = 0; i < files; i += 500) {
        const rows = [];
        for (let k = i; k < Math.min(files, i + 500); k++) {
          const id = newId();
          // incompressible and distinct (a counter at the start), like photos
          const bytes = Buffer.from(chunk);
          bytes.writeUInt32LE(fileCounter++, 0);
          writeFileSync(join(dir, `${id}.jpg`), bytes);
          rows.push({ id, accountId: account.id, statusId: postIds[k % postIds.length], type: "image", fileName: `${id}.jpg`, contentType: "image/jpeg", description: `photo ${k}` });
        }
        await services.db.insert(mediaAttachments).values(rows);
      }
      return { account, files };
    };
    // a second resident with a fifth of the media: memory must not grow with the archive
    const small = await seedResident("petit", Math.max(1, Math.round(MEDIA_MB / 5)));
    const { account, files } = await seedResident("resident", MEDIA_MB);
    await services.db.execute(sql`analyze`);
    const mediaBytes = files * FILE_KB * 1024;
    // only the big resident's files, for the baselines
    const bigDir = join(dataDir, "big-media");
    mkdirSync(bigDir);
    const bigFiles = await services.db.select({ fileName: mediaAttachments.fileName }).from(mediaAttachments).where(sql`${mediaAttachments.accountId} = ${account.id}`);
    for (const f of bigFiles) linkSync(join(dir, f.fileName!), join(bigDir, f.fileName!));

    const out = join(dataDir, "out");
    mkdirSync(out);
    log("baseline: reading every media file…");
    const read = await measure(async () => {
      for (const name of execFileSync("ls", [bigDir]).toString().trim().split("\n")) {
        for await (const _ of createReadStream(join(bigDir, name), { highWaterMark: 256 * 1024 })) void _;
      }
    });
    log("baseline: zip -0 of the media folder…");
    const zip0 = await measure(async () => {
      execFileSync("zip", ["-0", "-q", "-r", join(out, "baseline.zip"), "."], { cwd: bigDir });
    });
    const zipChildMs = zip0.ms;
    log("Parvis: writeArchive of the smaller resident…");
    const smallPath = join(out, "petit.zip");
    const smallRun = await measure(() => writeArchive(ctx, small.account.id, smallPath, async () => {}));
    const smallMb = statSync(smallPath).size / 1e6;
    log("Parvis: writeArchive…");
    const archivePath = join(out, "parvis.zip");
    let progressCalls = 0;
    const parvis = await measure(() => writeArchive(ctx, account.id, archivePath, async () => void progressCalls++));
    const archiveMb = statSync(archivePath).size / 1e6;
    execFileSync("unzip", ["-tq", archivePath]);

    const m = machineInfo();
    const load = loadavg()[0];
    const lines = [
      "## Data export (bench/export.ts)",
      "",
      `One resident, ${POSTS.toLocaleString("en")} posts and ${files} media files of ${FILE_KB} KB (${(mediaBytes / 1e6).toFixed(0)} MB, incompressible), on PGlite in the same process. ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; 1-minute load ${loadBefore.toFixed(2)} before the run, ${load.toFixed(2)} at its end (the run itself keeps one core busy). Peak RSS is the whole process (the embedded database included), sampled every 20 ms; "start" is its RSS before the step.`,
      "",
      "| Step | Time | RSS start → peak |",
      "| --- | --- | --- |",
      `| Baseline: read every media file once | ${(read.ms / 1000).toFixed(1)} s | ${read.startMb.toFixed(0)} → ${read.peakMb.toFixed(0)} MB |`,
      `| Baseline: \`zip -0 -r\` of the media folder (child process) | ${(zipChildMs / 1000).toFixed(1)} s | (other process) |`,
      `| Parvis archive (${archiveMb.toFixed(0)} MB ZIP: JSON deflated, media stored) | ${(parvis.ms / 1000).toFixed(1)} s | ${parvis.startMb.toFixed(0)} → ${parvis.peakMb.toFixed(0)} MB |`,
      `| Parvis archive of a resident with a fifth of the media (${smallMb.toFixed(0)} MB ZIP), same posts | ${(smallRun.ms / 1000).toFixed(1)} s | ${smallRun.startMb.toFixed(0)} → ${smallRun.peakMb.toFixed(0)} MB |`,
      "",
      "Goals:",
      `- under 60 s — ${(parvis.ms / 1000).toFixed(1)} s, ${parvis.ms < 60_000 ? "met" : "**not met**"} (${(parvis.ms / read.ms).toFixed(1)}× the time to read the media once, ${(parvis.ms / zipChildMs).toFixed(1)}× \`zip -0\`)`,
      `- memory flat in the archive size — the process grew by ${(smallRun.peakMb - smallRun.startMb).toFixed(0)} MB for the ${smallMb.toFixed(0)} MB archive and by ${(parvis.peakMb - parvis.startMb).toFixed(0)} MB for the ${archiveMb.toFixed(0)} MB one: ${parvis.peakMb - parvis.startMb < 50 ? "met" : "**not met**"} (files are streamed to disk, never held whole)`,
      "",
      "Run with `npm run bench:export` (`BENCH_POSTS`, default 10,000; `BENCH_MEDIA_MB`, default 500; `BENCH_DOCS=1` writes this section when the machine was quiet before the run).",
      "",
    ];
    const report = lines.join("\n");
    console.log(report);
    if (process.env.BENCH_DOCS === "1") {
      if (loadBefore > cpus().length / 2) log(`not writing docs/performance.md: the machine was busy before the run (load ${loadBefore.toFixed(2)})`);
      else log(`written to ${updateDocSection("## Data export (bench/export.ts)", report)}`);
    }
    await services.database.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
