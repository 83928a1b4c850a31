// Loaded with `node --import ./server/start-hooks.mjs server/main.ts` (npm start):
// the server runs on Node's own TypeScript support, without a loader.
//
// Node (22.18+, 24) strips the types of .ts files itself; our sources are
// written for it (tsconfig: erasableSyntaxOnly, verbatimModuleSyntax). What it
// does not do is find a module from an import that leaves out ".ts" or
// "/index.ts", as ours do (the bundler resolution the client and the tests use).
// This hook adds them, in the main thread (module.registerHooks, no worker and
// no message per module as a loader registered with module.register has), and
// only for our own relative imports. V8's compile cache keeps the compiled code
// of every module between starts (docs/admin.md, "Start-up").
//
// It also answers the relative imports between the files of a package itself.
// Node's resolver looks up the package's "type" for every file it resolves, and
// parses the package.json again each time: drizzle-orm has 448 files and a
// 179 KB package.json, which cost 1.2 s of start-up in that alone (CPU profile,
// getPackageScopeConfig). Here each package.json is read once.
import { readFileSync, statSync } from "node:fs";
import { enableCompileCache, registerHooks } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

if (process.env.PARVIS_COMPILE_CACHE !== "off") enableCompileCache(process.env.PARVIS_COMPILE_CACHE || undefined);

// one system call per candidate (existsSync then statSync was two, 60 ms of a start)
const isFile = (path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true;

/**
 * The module type of the .js files in a directory, from its nearest package.json's
 * "type", read once per folder; null when that package.json says nothing (Node then
 * looks at the file's syntax itself, so it keeps those).
 */
const typeOfDir = new Map();
function jsFormat(dir) {
  if (typeOfDir.has(dir)) return typeOfDir.get(dir);
  let format = null;
  let text;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      const type = JSON.parse(text).type;
      format = type === "module" ? "module" : type === "commonjs" ? "commonjs" : null;
    } catch {
      format = null;
    }
  } else if (dirname(dir) !== dir) {
    format = jsFormat(dirname(dir));
  }
  typeOfDir.set(dir, format);
  return format;
}

/** A relative import between two files of an installed package, answered without Node's per-file package.json parse. */
function withinPackage(target) {
  if (!isFile(target)) return null;
  if (target.endsWith(".mjs")) return "module";
  if (target.endsWith(".cjs")) return "commonjs";
  if (target.endsWith(".js")) return jsFormat(dirname(target));
  return null;
}

/** What a package name resolved to from our own files (they all share one node_modules). */
const ourBareImports = new Map();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (!parent?.startsWith("file:") || /[?#]/.test(specifier)) return nextResolve(specifier, context);
    const ours = !parent.includes("/node_modules/");
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (relative && !ours) {
      const target = fileURLToPath(new URL(specifier, parent));
      const format = withinPackage(target);
      if (format) return { url: pathToFileURL(target).href, format, shortCircuit: true };
      return nextResolve(specifier, context);
    }
    if (relative) {
      // our own TypeScript (package.json: "type": "module"), with or without its extension
      const base = fileURLToPath(new URL(specifier, parent));
      for (const candidate of base.endsWith(".ts") ? [base] : [`${base}.ts`, `${base}/index.ts`]) {
        if (isFile(candidate)) return { url: pathToFileURL(candidate).href, format: "module-typescript", shortCircuit: true };
      }
      return nextResolve(specifier, context);
    }
    if (ours && !specifier.startsWith("node:") && !specifier.startsWith("file:") && !specifier.startsWith("/")) {
      // a package (drizzle-orm is imported by some 200 of our files): Node would parse its
      // package.json's exports again for each of them
      const key = `${specifier}\0${(context.conditions ?? []).join(",")}`;
      const known = ourBareImports.get(key);
      if (known) return known;
      const resolved = nextResolve(specifier, context);
      ourBareImports.set(key, { ...resolved, shortCircuit: true });
      return resolved;
    }
    return nextResolve(specifier, context);
  },
});
