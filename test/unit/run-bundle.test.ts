// server/run-bundle.mjs: the bundle runs as a CommonJS module would, and V8's code
// cache made after it ran is written once, accepted at the next start, refused when
// it is not V8's (then written again), and never reused for another bundle.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeCacheName, runBundle } from "../../server/run-bundle.mjs";

let dir: string;
let cacheDir: string;
let counter = 0;

/** A bundle that records that it ran, what it was given, and a function it compiled lazily. */
function writeBundle(name: string, marker: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      '"use strict";',
      "function later(x) { return x * 2; }",
      `globalThis.__runBundleTest = { marker: ${JSON.stringify(marker)}, later: later(21), file: __filename, hasRequire: typeof require("node:path").join, strict: (function () { return this === undefined; })() };`,
      "module.exports = { done: true };",
    ].join("\n"),
  );
  return file;
}

const ran = () => (globalThis as { __runBundleTest?: Record<string, unknown> }).__runBundleTest;
const caches = () => readdirSync(cacheDir).filter((f) => f.endsWith(".v8cache"));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "parvis-run-bundle-"));
  cacheDir = mkdtempSync(join(tmpdir(), "parvis-run-bundle-cache-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  delete (globalThis as { __runBundleTest?: unknown }).__runBundleTest;
});

describe("the bundle's runner", () => {
  it("runs the bundle as strict CommonJS, with require and __filename", async () => {
    const file = writeBundle("main.cjs", `first ${counter++}`);
    const run = runBundle(file, { cacheDir, writeAfterMs: 0 });
    expect(ran()).toMatchObject({ later: 42, file, hasRequire: "function", strict: true });
    await run.written;
  });

  it("writes the code cache once, then finds it accepted at the next start", async () => {
    const file = writeBundle("main.cjs", `cache ${counter++}`);
    const first = runBundle(file, { cacheDir, writeAfterMs: 0 });
    expect(first.cache).toBe("absent");
    expect(await first.written).toBe(true);
    expect(caches()).toEqual([codeCacheName(readFileSync(file, "utf8"))]);
    const second = runBundle(file, { cacheDir, writeAfterMs: 0 });
    expect(second.cache).toBe("accepted");
    expect(await second.written).toBe(false);
    expect(ran()).toMatchObject({ later: 42 });
  });

  it("refuses a cache that is not V8's, runs the bundle all the same, and writes a good one", async () => {
    const file = writeBundle("main.cjs", `corrupt ${counter++}`);
    const name = codeCacheName(readFileSync(file, "utf8"));
    writeFileSync(join(cacheDir, name), "not a code cache at all");
    const run = runBundle(file, { cacheDir, writeAfterMs: 0 });
    expect(run.cache).toBe("rejected");
    expect(ran()).toMatchObject({ later: 42 });
    expect(await run.written).toBe(true);
    expect(runBundle(file, { cacheDir, writeAfterMs: 0 }).cache).toBe("accepted");
  });

  it("names the cache after the bundle's content and the V8 flags, and drops older bundles' caches", async () => {
    const n = counter++;
    const file = writeBundle("main.cjs", `old ${n}`);
    await runBundle(file, { cacheDir, writeAfterMs: 0 }).written;
    const oldName = caches()[0];
    // the same bundle under other flags keeps its own cache beside it
    expect(codeCacheName(readFileSync(file, "utf8"), ["--max-semi-space-size=2"])).not.toBe(oldName);
    // a new build of the same length (V8 itself checks little more than the length) does not take the old one's cache, and replaces it
    writeBundle("main.cjs", `new ${n}`);
    const run = runBundle(file, { cacheDir, writeAfterMs: 0 });
    expect(run.cache).toBe("absent");
    await run.written;
    expect(caches()).toEqual([codeCacheName(readFileSync(file, "utf8"))]);
    expect(caches()).not.toContain(oldName);
  });

  it("runs without a cache when there is no cache folder", async () => {
    const file = writeBundle("main.cjs", `off ${counter++}`);
    const run = runBundle(file, { cacheDir: undefined });
    expect(run.cache).toBe("off");
    expect(run.cacheFile).toBeUndefined();
    expect(await run.written).toBe(false);
    expect(ran()).toMatchObject({ later: 42 });
  });

  it("under --enable-source-maps, loads the bundle as a module, so that stack traces point to the sources", async () => {
    writeFileSync(join(dir, "source.ts"), ["function failHere(): never {", '  throw new Error("boom");', "}", "try { failHere(); } catch (e) { console.log((e as Error).stack); }", ""].join("\n"));
    await esbuild.build({ entryPoints: [join(dir, "source.ts")], outfile: join(dir, "main.cjs"), bundle: true, format: "cjs", platform: "node", minify: true, sourcemap: "linked", logLevel: "silent" });
    const runner = pathToFileURL(join(process.cwd(), "server", "run-bundle.mjs")).href;
    const script = `import(${JSON.stringify(runner)}).then((m) => console.log("cache:", m.runBundle(${JSON.stringify(join(dir, "main.cjs"))}, { cacheDir: ${JSON.stringify(cacheDir)} }).cache))`;
    const mapped = spawnSync(process.execPath, ["--enable-source-maps", "-e", script], { encoding: "utf8" });
    expect(mapped.stdout).toMatch(/source\.ts:2:/);
    expect(mapped.stdout).toContain("cache: off");
    const plain = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(plain.stdout).toMatch(/main\.cjs:\d+:\d+/);
    expect(plain.stdout).toContain("cache: absent");
  });

  it("keeps running when the cache cannot be written", async () => {
    const file = writeBundle("main.cjs", `unwritable ${counter++}`);
    const run = runBundle(file, { cacheDir: join(dir, "no", "such", "folder"), writeAfterMs: 0 });
    expect(run.cache).toBe("absent");
    expect(await run.written).toBe(false);
  });
});
