// The start-up check of `npm start`: the web client is rebuilt only when what it
// is built from changed since the last build.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientBuildIsCurrent, ensureClientBuilt, STAMP_FILE } from "../../server/cli/build-client";

let root: string;
let builds: number;

/** A stand-in for vite: writes dist/client/index.html as a build would (emptying the folder first). */
function build(): void {
  builds++;
  const dist = join(root, "dist", "client");
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(join(dist, "index.html"), `<!doctype html><title>build ${builds}</title>`);
}

function write(path: string, content: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), content);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "parvis-client-build-"));
  builds = 0;
  write("client/src/main.tsx", "export const a = 1;\n");
  write("client/src/App.test.tsx", "it('works', () => {});\n");
  write("client/vite.config.ts", "export default {};\n");
  write("client/index.html", "<div id=root></div>\n");
  write("package-lock.json", '{"lockfileVersion":3}\n');
  write("tsconfig.json", "{}\n");
  write("server/main.ts", "// not the client\n");
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("web client rebuild check", () => {
  it("builds when there is no build yet, and stamps it", () => {
    expect(ensureClientBuilt(root, build)).toBe("built");
    expect(builds).toBe(1);
    expect(clientBuildIsCurrent(root)).toBe(true);
  });

  it("does not build again when nothing changed", () => {
    ensureClientBuilt(root, build);
    expect(ensureClientBuilt(root, build)).toBe("current");
    expect(builds).toBe(1);
  });

  it("does not build again when files were only touched (same content)", () => {
    ensureClientBuilt(root, build);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, "client/src/main.tsx"), later, later);
    expect(ensureClientBuilt(root, build)).toBe("current");
  });

  for (const [what, path] of [
    ["a client source", "client/src/main.tsx"],
    ["the Vite configuration", "client/vite.config.ts"],
    ["the package lock", "package-lock.json"],
  ] as const) {
    it(`builds again when ${what} changed`, () => {
      ensureClientBuilt(root, build);
      write(path, "changed\n");
      expect(ensureClientBuilt(root, build)).toBe("built");
      expect(builds).toBe(2);
    });
  }

  it("builds again when a client source was added", () => {
    ensureClientBuilt(root, build);
    write("client/src/screens/New.tsx", "export {};\n");
    expect(ensureClientBuilt(root, build)).toBe("built");
  });

  it("does not build again for a client test file or a server file", () => {
    ensureClientBuilt(root, build);
    write("client/src/App.test.tsx", "it('still works', () => {});\n");
    write("server/main.ts", "// changed\n");
    expect(ensureClientBuilt(root, build)).toBe("current");
  });

  it("builds again when the build output lost its index.html or its stamp", () => {
    ensureClientBuilt(root, build);
    rmSync(join(root, "dist/client", STAMP_FILE));
    expect(ensureClientBuilt(root, build)).toBe("built");
    rmSync(join(root, "dist/client/index.html"));
    expect(ensureClientBuilt(root, build)).toBe("built");
    expect(builds).toBe(3);
  });

  it("fails, leaving no stamp, when the build produced no page", () => {
    expect(() => ensureClientBuilt(root, () => void builds++)).toThrow(/index\.html/);
    expect(clientBuildIsCurrent(root)).toBe(false);
  });
});
