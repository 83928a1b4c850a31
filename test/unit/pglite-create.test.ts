// A new embedded database is created in a child process (server/db/pglite-create.ts),
// and then opened like any existing one.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../server/db/open";
import { createPgliteInChildProcess, pgliteDataDirectoryExists } from "../../server/db/pglite-create";
import { testDbKind } from "../helpers/db";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "parvis-pglite-create-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(testDbKind() !== "pglite")("creating the embedded database in a child process", () => {
  it("a new data directory is created by the child, then opened, migrated and usable; an existing one is only opened", async () => {
    const dataDir = join(dir, "pglite");
    expect(pgliteDataDirectoryExists(dataDir)).toBe(false);
    const first = await openDatabase({ dataDir, createInChildProcess: true });
    try {
      expect(first.created?.peakMb).toBeGreaterThan(50);
      expect(first.created?.ms).toBeGreaterThan(0);
      expect(pgliteDataDirectoryExists(dataDir)).toBe(true);
      await first.db.execute(sql`insert into settings (key, value) values ('pglite-create-test', '"kept"'::jsonb)`);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir, createInChildProcess: true });
    try {
      expect(again.created).toBeUndefined();
      expect(again.recovered).toBe(false);
      const rows = (await again.db.execute(sql`select value from settings where key = 'pglite-create-test'`)) as unknown as { rows: unknown[] };
      expect(rows.rows).toEqual([{ value: "kept" }]);
    } finally {
      await again.close();
    }
  }, 120_000);

  it("a directory that cannot be created fails with the child's reason, and nothing is left behind", async () => {
    writeFileSync(join(dir, "a-file"), "");
    const target = join(dir, "a-file", "pglite");
    await expect(createPgliteInChildProcess(target, [])).rejects.toThrow(/could not create the embedded database in .*a-file\/pglite/);
    expect(existsSync(target)).toBe(false);
  }, 60_000);
});
