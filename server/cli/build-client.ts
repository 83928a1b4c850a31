// `npm start` runs this first: it builds the web client only when its sources
// changed since the last build. The sources are everything under client/ (the
// Vite configuration included) but tests, plus package-lock.json and tsconfig.json;
// their content hash is kept in dist/client/.build-stamp after each build. Content,
// not modification times: a fresh checkout or a copy touches every file.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../paths";
import { hashFiles } from "./source-hash";

export const STAMP_FILE = ".build-stamp";

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile() && !/\.test\.[cm]?[jt]sx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The hash of what the built client depends on, under `root` (the repository). */
export function clientSourcesHash(root: string): string {
  const files = [...listFiles(join(root, "client")), join(root, "package-lock.json"), join(root, "tsconfig.json")].filter((f) => existsSync(f));
  return hashFiles(root, files.map((f) => relative(root, f).split(sep).join("/")));
}

export function distDir(root: string): string {
  return join(root, "dist", "client");
}

/** True when dist/client holds a build of exactly the current sources. */
export function clientBuildIsCurrent(root: string, hash = clientSourcesHash(root)): boolean {
  const dist = distDir(root);
  if (!existsSync(join(dist, "index.html"))) return false;
  const stamp = join(dist, STAMP_FILE);
  return existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash;
}

/**
 * Builds the client with `build` unless the last build is current; stamps the
 * build with the hash of the sources it was made from (read before building).
 */
export function ensureClientBuilt(root: string, build: () => void): "current" | "built" {
  const hash = clientSourcesHash(root);
  if (clientBuildIsCurrent(root, hash)) return "current";
  build();
  if (!existsSync(join(distDir(root), "index.html"))) throw new Error("the web client build produced no index.html");
  writeFileSync(join(distDir(root), STAMP_FILE), hash + "\n");
  return "built";
}

/** Runs vite's production build of the client (what `npm run build:client` does). */
export function viteBuild(root: string): void {
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--config", "client/vite.config.ts"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`vite build failed (exit code ${result.status})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = projectRoot;
  try {
    const outcome = ensureClientBuilt(root, () => viteBuild(root));
    console.log(outcome === "current" ? "web client: up to date, not rebuilt" : "web client: built");
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
