// The first account becomes the admin, even when several register at the same moment.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../server/db/rows";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { setRegistrationMode } from "../helpers/accounts-suite";

let t: TestInstance;
useTestInstance((x) => (t = x));

async function roles(): Promise<string[]> {
  const result = await t.services.db.execute(sql.raw(`select role from users order by role`));
  return rowsOf<{ role: string }>(result).map((r) => r.role);
}

describe("first account is the admin", () => {
  it("six registrations at the same moment on a fresh instance make exactly one admin", async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.http.post("/api/v1/accounts").send({ username: `racer${i}`, password: "correct horse battery", agreement: true }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const all = await roles();
    expect(all).toHaveLength(6);
    expect(all.filter((r) => r === "admin")).toEqual(["admin"]);
  });

  it("on an instance reviewing registrations, racing newcomers after the first wait for approval", async () => {
    await setRegistrationMode(t, "approval");
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        t.http.post("/api/v1/accounts").send({ username: `late${i}`, password: "correct horse battery", agreement: true, reason: "I live here" }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const pending = answers.filter((a) => a.body.parvis.approval_pending).length;
    expect(pending).toBe(3);
    expect((await roles()).filter((r) => r === "admin")).toHaveLength(1);
  });
});
