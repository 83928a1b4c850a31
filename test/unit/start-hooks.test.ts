// server/start-hooks.mjs: what `npm start` runs the server with (ADR 0025).
// A throwaway project on disk, run by Node with the hook as npm start does:
// our extensionless and folder imports find their .ts, and the relative imports
// inside installed packages keep their module type (ESM, CommonJS, and a package
// whose package.json says nothing, left to Node's own syntax detection).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const hooks = join(process.cwd(), "server/start-hooks.mjs");
const root = mkdtempSync(join(tmpdir(), "parvis-start-hooks-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function run(entry: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", hooks, entry], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PARVIS_COMPILE_CACHE: "off" },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

write("package.json", JSON.stringify({ name: "app", type: "module" }));
write("src/util.ts", "export const twice = (n: number): number => n * 2;\n");
write("src/things/index.ts", 'import type { Thing } from "./types";\nexport const thing: Thing = { name: "parvis" };\n');
write("src/things/types.ts", "export interface Thing { name: string }\n");
write(
  "src/main.ts",
  [
    'import { twice } from "./util";',
    'import { thing } from "./things";',
    'import { esm } from "esm-pkg";',
    'import cjs from "cjs-pkg";',
    'import { detected } from "untyped-pkg";',
    "console.log(JSON.stringify({ twice: twice(21), thing: thing.name, esm, cjs: cjs.value, detected }));",
  ].join("\n"),
);
// an ES module package whose files import each other relatively
write("node_modules/esm-pkg/package.json", JSON.stringify({ name: "esm-pkg", type: "module", exports: { ".": "./dist/index.js" } }));
write("node_modules/esm-pkg/dist/index.js", 'import { inner } from "./inner.js";\nexport const esm = inner + "!";\n');
write("node_modules/esm-pkg/dist/inner.js", 'export const inner = "esm";\n');
// a CommonJS package
write("node_modules/cjs-pkg/package.json", JSON.stringify({ name: "cjs-pkg", type: "commonjs", main: "lib/index.js" }));
write("node_modules/cjs-pkg/lib/index.js", 'module.exports = { value: require("./value.js") };\n');
write("node_modules/cjs-pkg/lib/value.js", 'module.exports = "cjs";\n');
// no "type": ESM syntax in a .js file, which Node recognises by itself
write("node_modules/untyped-pkg/package.json", JSON.stringify({ name: "untyped-pkg", exports: "./index.js" }));
write("node_modules/untyped-pkg/index.js", 'export { detected } from "./more.js";\n');
write("node_modules/untyped-pkg/more.js", 'export const detected = "detected";\n');

describe("server/start-hooks.mjs", () => {
  it("runs TypeScript with extensionless and folder imports, beside ESM, CommonJS and untyped packages", () => {
    const r = run("src/main.ts");
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ twice: 42, thing: "parvis", esm: "esm!", cjs: "cjs", detected: "detected" });
  });

  it("an import of a file that does not exist still fails as Node says", () => {
    write("src/broken.ts", 'import { nothing } from "./nowhere";\nconsole.log(nothing);\n');
    const r = run("src/broken.ts");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
  });
});
