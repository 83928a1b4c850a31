// PGlite's memory settings: its start parameters, and the page cache sized to the
// commune's data when PARVIS_PGLITE_SHARED_BUFFERS is "auto" (the default).
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config";
import { autoSharedBuffers, pgliteStartParams } from "../../server/db/open";

const MB = 1024 * 1024;
let dir: string;

/** A data dir whose template1 holds 7 MB of catalogs and whose commune database 7 MB + `dataMb`. */
function dataDir(dataMb: number): string {
  for (const [oid, mb] of [["1", 7], ["4", 7], ["5", 7 + dataMb]] as const) {
    mkdirSync(join(dir, "base", oid), { recursive: true });
    const file = join(dir, "base", oid, "1259");
    writeFileSync(file, "");
    truncateSync(file, mb * MB); // sparse: nothing written
  }
  mkdirSync(join(dir, "pg_wal"), { recursive: true });
  writeFileSync(join(dir, "pg_wal", "000000010000000000000001"), "");
  truncateSync(join(dir, "pg_wal", "000000010000000000000001"), 16 * MB);
  return dir;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "parvis-pglite-settings-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("PGlite memory settings", () => {
  it("a new or in-memory database gets a 16MB page cache", () => {
    expect(autoSharedBuffers(undefined)).toBe("16MB");
    expect(autoSharedBuffers("memory://")).toBe("16MB");
    expect(autoSharedBuffers(join(dir, "not-created-yet"))).toBe("16MB");
    expect(autoSharedBuffers(dataDir(2))).toBe("16MB");
  });

  it("a grown database gets its data + 25%, in 8MB steps (the write-ahead log and templates not counted)", () => {
    // the small commune of bench/footprint.ts: 8 MB of tables and indexes
    expect(autoSharedBuffers(dataDir(8))).toBe("16MB");
    expect(autoSharedBuffers(dataDir(13))).toBe("24MB");
    expect(autoSharedBuffers(dataDir(30))).toBe("40MB");
  });

  it("the automatic page cache stops at PGlite's own default, 128MB", () => {
    expect(autoSharedBuffers(dataDir(500))).toBe("128MB");
  });

  it("start parameters keep PGlite's own and add the configured sizes", () => {
    const params = pgliteStartParams(["--single", "-F"], { sharedBuffers: "64MB", workMem: "2MB", maintenanceWorkMem: "32MB" });
    expect(params.slice(0, 2)).toEqual(["--single", "-F"]);
    expect(params.slice(2)).toEqual(["-c", "shared_buffers=64MB", "-c", "work_mem=2MB", "-c", "maintenance_work_mem=32MB"]);
  });

  it("\"auto\" start parameters measure the data dir", () => {
    expect(pgliteStartParams([], { sharedBuffers: "auto" }, dataDir(30))).toContain("shared_buffers=40MB");
  });

  it("the settings come from the environment, and a malformed size stops start-up naming the variable", () => {
    const config = loadConfig({ PARVIS_PGLITE_SHARED_BUFFERS: "96MB", PARVIS_PGLITE_WORK_MEM: "8MB", PARVIS_SECRET: "s".repeat(40), PARVIS_DATA_DIR: dir });
    expect(config.pglite).toEqual({ sharedBuffers: "96MB", workMem: "8MB", maintenanceWorkMem: "16MB" });
    expect(loadConfig({ PARVIS_SECRET: "s".repeat(40), PARVIS_DATA_DIR: dir }).pglite.sharedBuffers).toBe("auto");
    for (const bad of ["16", "16 MB", "-1MB", "16MB; drop table x", "1TB"]) {
      expect(() => loadConfig({ PARVIS_PGLITE_SHARED_BUFFERS: bad, PARVIS_SECRET: "s".repeat(40), PARVIS_DATA_DIR: dir }), bad).toThrow(/PARVIS_PGLITE_SHARED_BUFFERS/);
    }
    expect(() => loadConfig({ PARVIS_DB_MAINTENANCE_INTERVAL: "-5", PARVIS_SECRET: "s".repeat(40), PARVIS_DATA_DIR: dir })).toThrow(/PARVIS_DB_MAINTENANCE_INTERVAL/);
  });
});
