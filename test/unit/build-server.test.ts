// The server's production build (server/cli/build-server.ts), on a throwaway
// project: esbuild really bundles it, the bundle really runs, and `npm start`'s
// check rebuilds only when one of the files the bundle was made from changed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildServer, ensureServerBuilt, SERVER_BUNDLE, serverBuildIsCurrent, STAMP_FILE } from "../../server/cli/build-server";
import { findProjectRoot, paths, projectRoot } from "../../server/paths";

let root: string;

function write(path: string, content: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), content);
}

const OUTPUT = "bonjour plus tard 1.2.3 Named salut absent bundle strict";

/** Runs the built bundle with Node and returns what it printed. */
function runBundle(): string {
  const r = spawnSync(process.execPath, [join(root, "dist", "server", SERVER_BUNDLE)], { encoding: "utf8", timeout: 30_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "parvis-server-build-"));
  write("package.json", '{"name":"throwaway","version":"1.2.3","type":"module"}\n');
  write("package-lock.json", '{"lockfileVersion":3}\n');
  write("server/greeting.ts", 'export const greeting: string = "bonjour";\n');
  write("server/later.ts", 'export const later = "plus tard";\n');
  write("server/unused.ts", 'export const unused = "never imported";\n');
  // a CommonJS package, imported dynamically as server/realtime/adapter.ts imports the socket.io adapters
  write("node_modules/cjs-package/package.json", '{"name":"cjs-package","main":"index.js"}\n');
  write("node_modules/cjs-package/index.js", 'exports.salut = () => "salut";\n');
  write(
    "server/main.ts",
    [
      'import { greeting } from "./greeting";',
      'import packageJson from "../package.json" with { type: "json" };',
      "class Named {}",
      "async function main() {",
      '  const { later } = await import("./later");',
      '  // in the bundle, a CommonJS package imported dynamically has only its default export (module.exports)',
      '  const { salut } = (await import("cjs-package")).default;',
      "  // an optional package that is not installed, as some dependencies try (the bundle turns it into a require)",
      '  const optional = await import("not-installed-package").then(() => "present", () => "absent");',
      '  const where = new URL(import.meta.url).pathname.endsWith("/dist/server/main.cjs") ? "bundle" : "elsewhere";',
      "  const strict = (function (this: unknown) { return this === undefined ? \"strict\" : \"sloppy\"; })();",
      "  console.log(`${greeting} ${later} ${packageJson.version} ${Named.name} ${salut()} ${optional} ${where} ${strict}`);",
      "}",
      "void main();",
      "",
    ].join("\n"),
  );
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("server build", () => {
  it("bundles the server into dist/server, minified, and the bundle runs as the sources would", async () => {
    await buildServer(root);
    expect(runBundle()).toBe(OUTPUT);
    const bundle = readFileSync(join(root, "dist/server", SERVER_BUNDLE), "utf8");
    expect(bundle).not.toContain("\n  "); // minified: no indentation left
    expect(bundle).toContain("sourceMappingURL=main.cjs.map");
    // one CommonJS file, whose dynamic imports are all answered by require (server/run-bundle.mjs runs it without import())
    expect(readdirSync(join(root, "dist/server")).sort()).toEqual([".build-stamp", "main.cjs", "main.cjs.map"]);
    expect(bundle).not.toMatch(/\bimport\(/);
  });

  it("stamps the build with its own inputs, and not with files it never imported or with packages", async () => {
    await buildServer(root);
    const stamp = JSON.parse(readFileSync(join(root, "dist/server", STAMP_FILE), "utf8")) as { hash: string; inputs: string[] };
    expect(stamp.inputs).toEqual(["package-lock.json", "package.json", "server/greeting.ts", "server/later.ts", "server/main.ts"]);
    expect(stamp.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(serverBuildIsCurrent(root)).toBe(true);
  });

  it("does not build again when nothing changed, or when files were only touched", async () => {
    expect(await ensureServerBuilt(root)).toBe("built");
    expect(await ensureServerBuilt(root)).toBe("current");
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "server/greeting.ts"), later, later);
    expect(await ensureServerBuilt(root)).toBe("current");
  });

  it("does not build again for a file the server does not import", async () => {
    await ensureServerBuilt(root);
    write("server/unused.ts", 'export const unused = "changed";\n');
    write("server/other.test.ts", "// a test\n");
    expect(await ensureServerBuilt(root)).toBe("current");
  });

  for (const [what, path] of [
    ["an imported source", "server/greeting.ts"],
    ["a module imported dynamically", "server/later.ts"],
    ["the package lock (the installed packages)", "package-lock.json"],
  ] as const) {
    it(`builds again when ${what} changed, and the new bundle has the change`, async () => {
      await ensureServerBuilt(root);
      if (path === "package-lock.json") write(path, '{"lockfileVersion":3,"packages":{}}\n');
      else write(path, `export const ${path.includes("later") ? "later" : "greeting"}: string = "changé";\n`);
      expect(serverBuildIsCurrent(root)).toBe(false);
      expect(await ensureServerBuilt(root)).toBe("built");
      if (path !== "package-lock.json") expect(runBundle()).toContain("changé");
    });
  }

  it("builds again when an input is gone, or the stamp or the bundle is missing or unreadable", async () => {
    await ensureServerBuilt(root);
    rmSync(join(root, "dist/server", STAMP_FILE));
    expect(await ensureServerBuilt(root)).toBe("built");
    writeFileSync(join(root, "dist/server", STAMP_FILE), "{not json");
    expect(await ensureServerBuilt(root)).toBe("built");
    writeFileSync(join(root, "dist/server", STAMP_FILE), JSON.stringify({ hash: 42, inputs: "server/main.ts" }));
    expect(await ensureServerBuilt(root)).toBe("built");
    rmSync(join(root, "dist/server", SERVER_BUNDLE));
    expect(await ensureServerBuilt(root)).toBe("built");
    expect(runBundle()).toBe(OUTPUT);
  });

  it("replaces the previous build whole: nothing of an older build is left, no staging folder either", async () => {
    await buildServer(root);
    write("server/later.ts", 'export const later = "une autre fois";\n');
    await buildServer(root);
    expect(readFileSync(join(root, "dist/server", SERVER_BUNDLE), "utf8")).not.toContain("plus tard");
    expect(readdirSync(join(root, "dist")).sort()).toEqual(["server"]);
    expect(runBundle()).toBe(OUTPUT.replace("plus tard", "une autre fois"));
  });

  it("fails on a source that does not compile, keeping the previous build", async () => {
    await buildServer(root);
    write("server/greeting.ts", "export const greeting = ;\n");
    await expect(buildServer(root)).rejects.toThrow();
    expect(existsSync(join(root, "dist/server", SERVER_BUNDLE))).toBe(true);
    expect(serverBuildIsCurrent(root)).toBe(false);
    expect(readdirSync(join(root, "dist")).sort()).toEqual(["server"]);
  });
});

describe("project paths", () => {
  it("are the repository's, found from server/ as from dist/server/", () => {
    expect(existsSync(join(projectRoot, "package.json"))).toBe(true);
    expect(findProjectRoot(join(projectRoot, "server"))).toBe(projectRoot);
    expect(findProjectRoot(join(projectRoot, "dist", "server"))).toBe(projectRoot);
    expect(existsSync(join(paths.migrations, "meta", "_journal.json"))).toBe(true);
    expect(existsSync(join(paths.serverStatic, "oauth.css"))).toBe(true);
    expect(existsSync(paths.pgliteCreateChild)).toBe(true);
  });

  it("fail clearly when there is no project above", () => {
    expect(() => findProjectRoot("/")).toThrow(/no package.json/);
  });
});
