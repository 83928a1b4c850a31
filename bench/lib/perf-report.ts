// Shared by the benchmarks: percentiles, the machine description, and the
// update of one section of docs/performance.md (other sections are left as they are).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem, type as osType, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** requests per second over the run */
  throughput: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(latenciesMs: number[], elapsedMs: number): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sum / sorted.length,
    max: sorted[sorted.length - 1],
    throughput: sorted.length / (elapsedMs / 1000),
  };
}

export function machineInfo(): { cpu: string; cores: number; memoryGb: string; platform: string } {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim(),
    cores: list.length,
    memoryGb: (totalmem() / 1024 ** 3).toFixed(1),
    platform: `${osType()} ${release()}`,
  };
}

export const performanceDoc = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "performance.md");

const HEADER = `# Performance

Figures measured by the scripts under bench/, each printing its own baseline from the
same run. Every section below is rewritten by the script named in its heading; rerun
it to update the figures on your machine.
`;

/**
 * Replaces the section that starts with `heading` (up to the next "## " heading)
 * by `section`, or appends it; creates the file when absent.
 */
export function updateDocSection(heading: string, section: string, file = performanceDoc): string {
  let doc = existsSync(file) ? readFileSync(file, "utf8") : HEADER;
  const body = section.endsWith("\n") ? section : section + "\n";
  const start = doc.indexOf(heading + "\n");
  if (start === -1) {
    doc = doc.replace(/\n*$/, "\n\n") + body;
  } else {
    const after = doc.slice(start + heading.length);
    const nextMatch = /\n## /.exec(after);
    const end = nextMatch ? start + heading.length + nextMatch.index + 1 : doc.length;
    doc = doc.slice(0, start) + body + (nextMatch ? "\n" + doc.slice(end) : "");
  }
  writeFileSync(file, doc);
  return file;
}
