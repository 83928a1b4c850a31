// Media benchmark: processing a 12-megapixel phone-like JPEG through the upload
// pipeline (sniff, header check, decode, rotate, resize to the cap, re-encode,
// thumbnail, blurhash, atomic write of two files) beside sharp's raw
// decode + resize + encode of the same file in the same run (the baseline;
// the goal is within 1.5×). The HTTP layer and the database row are not included.
//
//   npx tsx bench/media.ts                 (BENCH_RUNS=10 by default)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import sharp from "sharp";
import { processUpload } from "../server/domain/media/upload";
import { FsMediaStore } from "../server/domain/media/store";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const limits = { maxDimension: 4096, maxImageBytes: 64 * 1024 * 1024, maxDocumentBytes: 10 * 1024 * 1024 };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out;
}

async function main(): Promise<void> {
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#6688aa", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .withExif({ IFD0: { Make: "Bench", Model: "Phone" } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
  const dir = mkdtempSync(join(tmpdir(), "parvis-bench-media-"));
  try {
    const raw = await time(() =>
      sharp(photo).rotate().resize({ width: 4096, height: 4096, fit: "inside", withoutEnlargement: true }).jpeg({ quality: 85, mozjpeg: true }).toBuffer(),
    );
    const pipeline = await time(() => processUpload(limits, new FsMediaStore(dir), photo));
    const row = (name: string, v: number[]) => `| ${name} | ${percentile(v, 50).toFixed(0)} ms | ${percentile(v, 99).toFixed(0)} ms |`;
    console.log(`12-megapixel JPEG (${(photo.length / 1e6).toFixed(1)} MB), ${RUNS} runs, sharp concurrency ${sharp.concurrency()}\n`);
    console.log("| | p50 | p99 |\n| --- | --- | --- |");
    console.log(row("sharp raw decode + rotate + encode", raw));
    console.log(row("Parvis upload pipeline", pipeline));
    console.log(`\nratio p50: ${(percentile(pipeline, 50) / percentile(raw, 50)).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
