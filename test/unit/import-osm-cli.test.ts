// `npm run admin -- import-osm <file>` on a real data directory: the fixture's
// cameras are created, a second run leaves them unchanged, a malformed file
// exits non-zero and stores nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config";
import { buildServices } from "../../server/instance";
import { rowsOf } from "../../server/db/rows";
import { scriptNodeArgs } from "../../bench/lib/node-command";

const dataDir = mkdtempSync(join(tmpdir(), "parvis-cli-osm-"));
const env = {
  ...process.env,
  PARVIS_DATA_DIR: dataDir,
  PARVIS_DOMAIN: "cli.example",
  PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789",
  PARVIS_COMMUNE_NAME: "Testville",
  LOG_LEVEL: "silent",
  DATABASE_URL: "",
};
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const fixture = join(import.meta.dirname, "..", "fixtures", "osm", "grenoble-surveillance.osm");

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [...scriptNodeArgs("admin"), "import-osm", ...args], { env, encoding: "utf8", timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function observationCount(): Promise<number> {
  const services = await buildServices(loadConfig(env));
  try {
    return Number(rowsOf<{ n: number }>(await services.db.execute(sql`select count(*)::int as n from observations`))[0].n);
  } finally {
    await services.database.close();
  }
}

describe("admin import-osm", () => {
  it("imports an extract, then finds it unchanged; a malformed file exits 1 and stores nothing", async () => {
    const bad = join(dataDir, "bad.osm");
    writeFileSync(bad, "<osm><node id='1' lat='45' lon='5'>");
    const refused = run(bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Malformed OpenStreetMap extract/);
    expect(await observationCount()).toBe(0);

    const first = run(fixture);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain("osm: 5 created, 0 updated, 0 unchanged, 1 skipped");
    expect(first.out).toMatch(/skipped\tway\/1123400567\t.*only nodes/);
    expect(first.out).toContain("tags left out:");

    const second = run(fixture, "--json");
    expect(second.code, second.err).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ created: 0, unchanged: 5 });
    expect(await observationCount()).toBe(5);
  }, 400_000);
});
