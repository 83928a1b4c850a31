// `npm run admin -- verify-moderation-log` on a real data directory: exit code 0 and
// "intact" for a whole chain, 3 and the broken entry after a row was edited.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config";
import { buildServices } from "../../server/instance";
import { setDomainPolicyLogged } from "../../server/domain/moderation";
import { scriptNodeArgs } from "../../bench/lib/node-command";

const dataDir = mkdtempSync(join(tmpdir(), "parvis-cli-modlog-"));
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

async function withServices(work: (s: Awaited<ReturnType<typeof buildServices>>) => Promise<void>) {
  const services = await buildServices(loadConfig(env));
  try {
    await work(services);
  } finally {
    await services.database.close();
  }
}

function verify() {
  const run = spawnSync(process.execPath, [...scriptNodeArgs("admin"), "verify-moderation-log"], { env, encoding: "utf8", timeout: 120_000 });
  return { code: run.status, out: run.stdout };
}

describe("verify-moderation-log", () => {
  it("reports an intact chain, then the first broken entry", async () => {
    await withServices(async (s) => {
      for (const domain of ["a.example", "b.example", "c.example"]) {
        await setDomainPolicyLogged(s.domain, { domain, policy: "block", reason: "spam" }, { role: "admin", staffAccountId: null });
      }
    });
    const ok = verify();
    expect(ok.out).toContain("entries: 3");
    expect(ok.out).toContain("chain: intact");
    expect(ok.out).toContain("signature of the head: valid");
    expect(ok.code).toBe(0);

    await withServices(async (s) => {
      await s.db.execute(sql`update moderation_log set action = 'domain_allowed' where seq = 2`);
    });
    const broken = verify();
    expect(broken.out).toContain("BROKEN at entry #2: content_hash does not match");
    expect(broken.out).toContain("moderation log does NOT verify");
    expect(broken.code).toBe(3);
  }, 240_000);
});
