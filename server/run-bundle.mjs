// Runs the server's bundle (dist/server/main.cjs, server/cli/build-server.ts) with a
// V8 code cache made after start-up (docs/adr/0028).
//
//   node <flags> server/run-bundle.mjs   (npm start, after its build check; npm run start:server)
//
// Plain JavaScript, so that the server's process never loads Node's TypeScript
// stripper (about 17 MB and 50 ms).
//
// Node's own compile cache serializes a module's code right after compiling it,
// before it runs: the functions V8 compiles lazily while the server starts, most of
// its start-up code, would be compiled again at every start (about 200 ms of a
// 1-second start on PGlite). Here the bundle is compiled as one script and, a few
// seconds after it started, V8 serializes everything it has compiled by then. The
// next start of the same bundle, on the same Node with the same flags, deserializes
// that instead of compiling. The cache lives in Node's compile cache folder (enabled
// here for the packages the bundle loads from node_modules; PARVIS_COMPILE_CACHE=off
// turns both off, PARVIS_COMPILE_CACHE=<dir> moves them), one file per bundle, Node
// version and set of flags; a cache V8 rejects is written again.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, enableCompileCache, getCompileCacheDir } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** where the build puts the bundle, from the project's root (server/cli/build-server.ts) */
export const BUNDLE_DIR = "dist/server";
export const BUNDLE_FILE = "main.cjs";

/**
 * The bundle of the project at `root`.
 * @param {string} root
 */
export function serverBundleFile(root) {
  return join(root, BUNDLE_DIR, BUNDLE_FILE);
}

const PREFIX = "parvis-server-";
/** time for the server to open its database, listen and answer its first requests */
const WRITE_AFTER_MS = 5_000;

/**
 * The cache file's name: a hash of the bundle's content, then one of Node's version,
 * the platform and the V8 flags (V8 refuses a cache made under other flags).
 * @param {string} source
 * @param {readonly string[]} execArgv
 */
export function codeCacheName(source, execArgv = process.execArgv) {
  const hash = (/** @type {string} */ text, /** @type {number} */ length) => createHash("sha256").update(text).digest("hex").slice(0, length);
  return `${PREFIX}${hash(source, 16)}-${hash([process.version, process.arch, ...execArgv].join("\0"), 8)}.v8cache`;
}

/**
 * Writes the file whole under its name (a start reading it never sees half of it)
 * and removes the caches of other bundles (older builds).
 * @param {string} dir
 * @param {string} name
 * @param {Buffer} data
 */
function replaceCache(dir, name, data) {
  const sameBundle = name.slice(0, name.lastIndexOf("-"));
  for (const other of readdirSync(dir)) {
    if (other.startsWith(PREFIX) && !other.startsWith(sameBundle)) rmSync(join(dir, other), { force: true });
  }
  const staging = join(dir, `${name}.${process.pid}.tmp`);
  writeFileSync(staging, data);
  renameSync(staging, join(dir, name));
}

/**
 * Compiles and runs a CommonJS bundle in this process, with its code cache when there is one
 * (not under `--enable-source-maps`: then Node loads it as a module, so that stack traces are mapped).
 * @param {string} file
 * @param {{ cacheDir?: string | undefined, writeAfterMs?: number, execArgv?: readonly string[] }} [options]
 *   cacheDir: where cache files go (Node's compile cache folder by default; undefined: no cache)
 * @returns {{ cache: "accepted" | "rejected" | "absent" | "off", cacheFile: string | undefined, written: Promise<boolean> }}
 *   written settles once the cache has been written (true), or was not to be (false)
 */
export function runBundle(file, options = {}) {
  if (process.sourceMapsEnabled) {
    // `node --enable-source-maps` maps stack traces for modules, not for node:vm scripts:
    // the bundle is then loaded as the CommonJS module it is, without the code cache
    createRequire(file)(file);
    return { cache: "off", cacheFile: undefined, written: Promise.resolve(false) };
  }
  const source = readFileSync(file, "utf8");
  const cacheDir = "cacheDir" in options ? options.cacheDir : getCompileCacheDir();
  // hashing the bundle for the cache's name takes some milliseconds: not without a cache
  const name = cacheDir ? codeCacheName(source, options.execArgv) : undefined;
  const cacheFile = cacheDir && name ? join(cacheDir, name) : undefined;
  /** @type {Buffer | undefined} */
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // the wrapper of Node's CommonJS loader: the bundle sees require, module, __filename…
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const cache = !cacheFile ? "off" : !cachedData ? "absent" : script.cachedDataRejected ? "rejected" : "accepted";
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  /** @type {Promise<boolean>} */
  const written =
    cacheDir && name && cache !== "accepted"
      ? new Promise((resolve) => {
          setTimeout(() => {
            try {
              replaceCache(cacheDir, name, script.createCachedData());
              resolve(true);
            } catch {
              // a cache only saves time: a read-only or full disk costs the next start its compilation
              resolve(false);
            }
          }, options.writeAfterMs ?? WRITE_AFTER_MS).unref();
        })
      : Promise.resolve(false);
  return { cache, cacheFile, written };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.env.PARVIS_COMPILE_CACHE !== "off") enableCompileCache(process.env.PARVIS_COMPILE_CACHE || undefined);
  runBundle(serverBundleFile(join(dirname(fileURLToPath(import.meta.url)), "..")));
}
