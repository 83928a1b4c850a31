// The server's production build (docs/adr/0027, 0028): esbuild bundles
// server/main.ts and everything it imports into one CommonJS file,
// dist/server/main.cjs, minified. Node then loads one script instead of some 1,500
// modules, with nothing to resolve or strip of its types; server/run-bundle.mjs runs
// it with a V8 code cache made after start-up.
//
// `npm start` (server/start.ts) rebuilds it only when what it was made from
// changed: the build records its inputs (our files, from esbuild's metafile) and
// their content hash in dist/server/.build-stamp; package-lock.json stands for the
// installed packages, and this file for the build's options.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Metafile, Plugin } from "esbuild";
import { projectRoot } from "../paths";
import { BUNDLE_DIR, BUNDLE_FILE, serverBundleFile } from "../run-bundle.mjs";
import { hashFiles } from "./source-hash";

export const SERVER_ENTRY = "server/main.ts";
/** the bundle, in dist/server (where server/run-bundle.mjs, which runs it, looks for it) */
export const SERVER_BUNDLE = BUNDLE_FILE;
export const STAMP_FILE = ".build-stamp";

/**
 * Packages left out of the bundle and loaded by Node from node_modules: PGlite
 * reads its WebAssembly and data files next to its own modules, sharp and argon2
 * load native binaries.
 */
export const EXTERNAL_PACKAGES = ["@electric-sql/pglite", "sharp", "@node-rs/argon2"] as const;

/** stands for import.meta.url in the CommonJS bundle (set by its banner) */
const IMPORT_META_URL = "__parvisImportMetaUrl";

/**
 * In a CommonJS bundle esbuild keeps `import()` of a package it leaves out, and a
 * script run by node:vm (server/run-bundle.mjs) may not call import() without an
 * experimental flag. The dynamic imports of the packages left outside, and of
 * optional packages that are not installed (a dependency's `try { await import(...) }`),
 * become require() calls, answered by Node as in any CommonJS module.
 */
const dynamicImportsAsRequire: Plugin = {
  name: "dynamic-imports-as-require",
  setup(build) {
    build.onResolve({ filter: /^[^./]/, namespace: "file" }, async (args) => {
      if (args.kind !== "dynamic-import" || args.pluginData === "resolving") return undefined;
      const external = EXTERNAL_PACKAGES.some((name) => args.path === name || args.path.startsWith(`${name}/`));
      if (!external) {
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "resolving" });
        if (found.errors.length === 0) return undefined;
      }
      return { path: args.path, namespace: "require-at-run-time" };
    });
    build.onLoad({ filter: /.*/, namespace: "require-at-run-time" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: "js" }));
    build.onResolve({ filter: /.*/, namespace: "require-at-run-time" }, (args) => ({ path: args.path, external: true }));
  },
};

/** Files whose change always calls for a new build, whatever the bundle's inputs. */
const ALWAYS_INPUTS = ["package-lock.json", "server/cli/build-server.ts"];

interface Stamp {
  hash: string;
  inputs: string[];
}

function outDir(root: string): string {
  return join(root, BUNDLE_DIR);
}

function readStamp(root: string): Stamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(join(outDir(root), STAMP_FILE), "utf8")) as Partial<Stamp>;
    if (typeof stamp.hash !== "string" || !Array.isArray(stamp.inputs) || !stamp.inputs.every((i) => typeof i === "string")) return undefined;
    return { hash: stamp.hash, inputs: stamp.inputs };
  } catch {
    return undefined;
  }
}

/** True when dist/server holds a build of exactly the current sources. */
export function serverBuildIsCurrent(root: string = projectRoot): boolean {
  const stamp = readStamp(root);
  if (!stamp || !existsSync(serverBundleFile(root))) return false;
  if (!stamp.inputs.every((file) => existsSync(join(root, file)))) return false;
  return hashFiles(root, stamp.inputs) === stamp.hash;
}

/** Bundles the server into dist/server (replacing the previous build whole) and stamps it. */
export async function buildServer(root: string = projectRoot): Promise<void> {
  const esbuild = await import("esbuild");
  const target = outDir(root);
  const staging = `${target}.new-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  let metafile: Metafile;
  try {
    ({ metafile } = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [join(root, SERVER_ENTRY)],
      outfile: join(staging, SERVER_BUNDLE),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node24",
      minify: true,
      // class and function names stay as written: error names, stack traces, and code that reads them
      keepNames: true,
      sourcemap: "linked",
      external: [...EXTERNAL_PACKAGES],
      plugins: [dynamicImportsAsRequire],
      define: { "import.meta.url": IMPORT_META_URL },
      // strict mode, as the modules it was made from (the directive must come first)
      banner: { js: `"use strict"; var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;` },
      metafile: true,
      logLevel: "warning",
    }));
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // the metafile names inputs relative to absWorkingDir (the root), with "/"
  const inputs = Object.keys(metafile.inputs)
    // (a namespaced input, "require-at-run-time:sharp", is no file)
    .filter((file) => !file.startsWith("node_modules/") && !file.startsWith("../") && !file.includes(":"))
    .concat(ALWAYS_INPUTS.filter((file) => existsSync(join(root, file))));
  const stamp: Stamp = { hash: hashFiles(root, inputs), inputs: [...new Set(inputs)].sort() };
  writeFileSync(join(staging, STAMP_FILE), JSON.stringify(stamp) + "\n");
  // the new build replaces the old one in two renames, never half-written under its name
  const previous = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, previous);
  renameSync(staging, target);
  rmSync(previous, { recursive: true, force: true });
}

/** Builds the server unless its last build is current. */
export async function ensureServerBuilt(root: string = projectRoot): Promise<"current" | "built"> {
  if (serverBuildIsCurrent(root)) return "current";
  await buildServer(root);
  return "built";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildServer();
    console.log("server: built");
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
