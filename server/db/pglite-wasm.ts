// PGlite's WebAssembly, compiled so that V8 never optimises the few functions whose
// optimisation costs more memory than a small commune's machine has.
//
// V8 13.6 (Node 24) optimises PGlite's SQL parser, one 105 KB function, with a 604 MB
// compiler zone (the first copying phase of its Turboshaft pipeline; Node 20's V8 took
// 8 MB for the same function). Every other function of PGlite optimises in under 41 MB.
// V8 cannot be told to skip one function while it tiers up by itself, but with dynamic
// tiering off it follows the per-function hints of a "compilationHints" section: a
// function hinted "baseline" stays on Liftoff, every other one is optimised in the
// background after its first call. So the server runs with
//   --experimental-wasm-compilation-hints --no-wasm-dynamic-tiering
// (package.json's start scripts) and hands PGlite a module with that section added.
// docs/adr/0026-pglite-compilation-hints.md has the measurements.
//
// Which functions to leave on Liftoff was measured for one build of pglite.wasm, named
// by its SHA-256: another build (a PGlite upgrade) gets no hints, a warning, and V8's
// usual behaviour, until `npm run bench:pglite-compile` has listed its functions again.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** pglite.wasm's SHA-256 → the function indexes (imports counted) to keep on Liftoff */
export const LIFTOFF_FUNCTIONS: Readonly<Record<string, readonly number[]>> = {
  // @electric-sql/pglite 0.5.16: #2272 is the SQL parser (604 MB to optimise)
  "5256d9ac379f631355f41ab30291e6a6d9f854242b5ee2a2d0940e28041d3fca": [2272],
};

/** The V8 flags under which the hints do what this module says. */
export const HINT_FLAGS = ["--experimental-wasm-compilation-hints", "--no-wasm-dynamic-tiering"] as const;

export function hintFlagsSet(execArgv: readonly string[] = process.execArgv): boolean {
  return HINT_FLAGS.every((flag) => execArgv.includes(flag));
}

function readLeb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    if (pos >= bytes.length || shift > 28) throw new Error(`malformed WebAssembly: LEB128 at byte ${at}`);
    const byte = bytes[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, pos];
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v & 0x7f;
    v = Math.floor(v / 128);
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

function skipLimits(bytes: Uint8Array, at: number): number {
  const flags = bytes[at]!;
  let pos = readLeb(bytes, at + 1)[1];
  if (flags & 1) pos = readLeb(bytes, pos)[1];
  return pos;
}

interface Layout {
  importedFunctions: number;
  declaredFunctions: number;
  /** byte offset just after the function section, where the hints must go */
  afterFunctionSection: number;
}

/** Counts imported and declared functions and finds the end of the function section. */
export function wasmLayout(bytes: Uint8Array): Layout {
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) throw new Error("not a WebAssembly module (version 1)");
  let importedFunctions = 0;
  let declaredFunctions = 0;
  let afterFunctionSection = -1;
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, start] = readLeb(bytes, pos + 1);
    const end = start + size;
    if (end > bytes.length) throw new Error(`malformed WebAssembly: section ${id} runs past the end`);
    if (id === 2) {
      let [count, p] = readLeb(bytes, start);
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          const [length, q] = readLeb(bytes, p);
          p = q + length;
        }
        const kind = bytes[p++];
        if (kind === 0) {
          importedFunctions++;
          p = readLeb(bytes, p)[1];
        } else if (kind === 1) p = skipLimits(bytes, p + 1);
        else if (kind === 2) p = skipLimits(bytes, p);
        else if (kind === 3) p += 2;
        else if (kind === 4) p = readLeb(bytes, p + 1)[1];
        else throw new Error(`malformed WebAssembly: import kind ${String(kind)}`);
      }
    } else if (id === 3) {
      declaredFunctions = readLeb(bytes, start)[0];
      afterFunctionSection = end;
    }
    pos = end;
  }
  if (afterFunctionSection < 0) throw new Error("the WebAssembly module declares no functions");
  return { importedFunctions, declaredFunctions, afterFunctionSection };
}

/**
 * The module with a "compilationHints" custom section after its function section:
 * one byte per declared function, 0 (V8 decides) except for `liftoffOnly`, hinted
 * baseline tier Liftoff and top tier Liftoff (0b01_01_00).
 */
export function withCompilationHints(bytes: Uint8Array, liftoffOnly: readonly number[]): Uint8Array<ArrayBuffer> {
  const layout = wasmLayout(bytes);
  const hints = new Uint8Array(layout.declaredFunctions);
  for (const index of liftoffOnly) {
    const declared = index - layout.importedFunctions;
    if (!Number.isInteger(index) || declared < 0 || declared >= layout.declaredFunctions) {
      throw new Error(`function #${index} is not a function declared by this module`);
    }
    hints[declared] = (1 << 4) | (1 << 2);
  }
  const name = new TextEncoder().encode("compilationHints");
  const head = Uint8Array.from([...leb(name.length), ...name, ...leb(layout.declaredFunctions)]);
  const sectionHead = Uint8Array.from([0, ...leb(head.length + hints.length)]);
  const out = new Uint8Array(bytes.length + sectionHead.length + head.length + hints.length);
  let at = 0;
  for (const part of [bytes.subarray(0, layout.afterFunctionSection), sectionHead, head, hints, bytes.subarray(layout.afterFunctionSection)]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The name of a build in LIFTOFF_FUNCTIONS. */
export function wasmSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function pgliteWasmPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@electric-sql/pglite")), "pglite.wasm");
}

export type PgliteWasm =
  | { module: WebAssembly.Module; liftoffOnly: readonly number[] }
  | { module: undefined; warning: string | undefined };

/**
 * PGlite's module with its hints when the process runs under HINT_FLAGS and this build
 * of pglite.wasm has been measured; otherwise nothing (PGlite compiles its own), with a
 * warning when the flags are set but the build is unknown.
 */
export async function pgliteWasmModule(execArgv: readonly string[] = process.execArgv, path = pgliteWasmPath()): Promise<PgliteWasm> {
  if (!hintFlagsSet(execArgv)) return { module: undefined, warning: undefined };
  const bytes = new Uint8Array(await readFile(path));
  const hash = wasmSha256(bytes);
  const liftoffOnly = LIFTOFF_FUNCTIONS[hash];
  if (!liftoffOnly) {
    return {
      module: undefined,
      warning:
        `this build of pglite.wasm (sha256 ${hash}) has not been measured: V8 will optimise all of it, ` +
        "which can take 600 MB more memory at once; run `npm run bench:pglite-compile` and add its functions to server/db/pglite-wasm.ts",
    };
  }
  return { module: await WebAssembly.compile(withCompilationHints(bytes, liftoffOnly)), liftoffOnly };
}
