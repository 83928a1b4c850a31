// PGlite's WebAssembly with compilation hints (server/db/pglite-wasm.ts): the section is
// well formed, the installed pglite.wasm is a measured build, and under the start
// scripts' flags V8 really keeps the hinted function off its optimiser.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { HINT_FLAGS, LIFTOFF_FUNCTIONS, hintFlagsSet, pgliteWasmModule, pgliteWasmPath, wasmLayout, withCompilationHints } from "../../server/db/pglite-wasm";
import { testDbKind } from "../helpers/db";
import { scriptNodeArgs } from "../../bench/lib/node-command";

/** (import "m" "f" (func)) (import "m" "mem" (memory 1)) and two declared functions */
const TINY = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type section: () -> ()
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  // import section: a function and a memory
  0x02, 0x10, 0x02, 0x01, 0x6d, 0x01, 0x66, 0x00, 0x00, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01,
  // function section: two functions of type 0
  0x03, 0x03, 0x02, 0x00, 0x00,
  // code section: two empty bodies
  0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b,
]);

describe("compilation hints section", () => {
  it("reads the layout of a module", () => {
    expect(WebAssembly.validate(TINY)).toBe(true);
    expect(wasmLayout(TINY)).toEqual({ importedFunctions: 1, declaredFunctions: 2, afterFunctionSection: 37 });
  });

  it("adds one hint byte per declared function, Liftoff-only for the named ones", () => {
    const hinted = withCompilationHints(TINY, [2]);
    expect(WebAssembly.validate(hinted)).toBe(true);
    const sections = WebAssembly.Module.customSections(new WebAssembly.Module(hinted), "compilationHints");
    expect(sections).toHaveLength(1);
    // count 2; function #1 left to V8 (0), function #2 baseline Liftoff and top tier Liftoff
    expect([...new Uint8Array(sections[0]!)]).toEqual([0x02, 0x00, 0x14]);
    // the rest of the module is unchanged
    expect(hinted.length).toBe(TINY.length + 2 + 17 + 3);
    expect(wasmLayout(hinted).declaredFunctions).toBe(2);
  });

  it("refuses what is not a declared function or not WebAssembly", () => {
    expect(() => withCompilationHints(TINY, [0])).toThrow(/not a function declared/); // the import
    expect(() => withCompilationHints(TINY, [3])).toThrow(/not a function declared/);
    expect(() => withCompilationHints(TINY, [1.5])).toThrow(/not a function declared/);
    expect(() => wasmLayout(new TextEncoder().encode("not wasm at all"))).toThrow(/not a WebAssembly module/);
    expect(() => wasmLayout(TINY.subarray(0, 20))).toThrow(/runs past the end/);
  });
});

describe("PGlite's module", () => {
  it("the start scripts run with the flags the hints need", () => {
    expect(hintFlagsSet(scriptNodeArgs("start:server"))).toBe(true);
    expect(hintFlagsSet(scriptNodeArgs("admin"))).toBe(true);
    expect(hintFlagsSet(["--no-wasm-dynamic-tiering"])).toBe(false);
  });

  it("without the flags, PGlite compiles its own module", async () => {
    expect(await pgliteWasmModule([])).toEqual({ module: undefined, warning: undefined });
  });

  it("the installed pglite.wasm is a measured build, and gets its hints", async () => {
    const wasm = await pgliteWasmModule([...HINT_FLAGS]);
    expect(wasm.module).toBeInstanceOf(WebAssembly.Module);
    expect("liftoffOnly" in wasm && wasm.liftoffOnly).toEqual(Object.values(LIFTOFF_FUNCTIONS)[0]);
  });

  it("an unmeasured build gets no hints and a warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parvis-wasm-"));
    try {
      writeFileSync(join(dir, "other.wasm"), TINY);
      const wasm = await pgliteWasmModule([...HINT_FLAGS], join(dir, "other.wasm"));
      expect(wasm.module).toBeUndefined();
      expect("warning" in wasm && wasm.warning).toMatch(/has not been measured/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// V8 itself: run PGlite's parser hot under the start scripts' flags and read what V8 compiled.
describe.skipIf(testDbKind() !== "pglite")("V8 under the start scripts' flags", () => {
  it("keeps the hinted parser on Liftoff and optimises the rest", () => {
    const flags = scriptNodeArgs("start:server").filter((a) => a.startsWith("--") && a.includes("wasm"));
    expect(flags).toEqual(expect.arrayContaining([...HINT_FLAGS]));
    const moduleUrl = pathToFileURL(join(process.cwd(), "server/db/pglite-wasm.ts")).href;
    const script = `
      import { PGlite } from "@electric-sql/pglite";
      const { pgliteWasmModule } = await import(${JSON.stringify(moduleUrl)});
      const wasm = await pgliteWasmModule();
      const db = await PGlite.create({ pgliteWasmModule: wasm.module });
      for (let i = 0; i < 3000; i++) await db.query("select " + i + " as n where " + i + " > 0");
      await new Promise((r) => setTimeout(r, 2000));
      await db.close();
      console.log("hinted:" + JSON.stringify(wasm.liftoffOnly));`;
    const run = spawnSync(process.execPath, [...flags, "--trace-wasm-compilation-times", "--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const hinted = JSON.parse(/hinted:(\[.*\])/.exec(run.stdout)![1]!) as number[];
    const optimised = new Set([...run.stdout.matchAll(/#(\d+) using TurboFan/g)].map((m) => Number(m[1])));
    const baseline = new Set([...run.stdout.matchAll(/#(\d+) using Liftoff/g)].map((m) => Number(m[1])));
    expect(optimised.size).toBeGreaterThan(100);
    for (const f of hinted) {
      expect(baseline.has(f), `#${f} ran`).toBe(true);
      expect(optimised.has(f), `#${f} optimised`).toBe(false);
    }
  }, 150_000);
});
