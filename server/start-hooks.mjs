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
import { existsSync, statSync } from "node:fs";
import { enableCompileCache, registerHooks } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

if (process.env.PARVIS_COMPILE_CACHE !== "off") enableCompileCache(process.env.PARVIS_COMPILE_CACHE || undefined);

const isFile = (path) => existsSync(path) && statSync(path).isFile();

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if ((specifier.startsWith("./") || specifier.startsWith("../")) && parent?.startsWith("file:") && !parent.includes("/node_modules/")) {
      const base = fileURLToPath(new URL(specifier, parent));
      if (!isFile(base)) {
        for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
          if (isFile(candidate)) return nextResolve(pathToFileURL(candidate).href, context);
        }
      }
    }
    return nextResolve(specifier, context);
  },
});
