// The privacy page is generated from this instance's configuration and settings;
// registration records which charter and rules the resident accepted.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../server/db/rows";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((x) => (t = x), { env: { PARVIS_MEDIA_MAX_IMAGE_BYTES: String(8 * 1024 * 1024) } });

const text = (body: { sections: { paragraphs: string[] }[] }) => body.sections.flatMap((s) => s.paragraphs).join("\n");

describe("GET /api/parvis/privacy", () => {
  it("in French by default, from the configuration: commune, limits, grace period, session length", async () => {
    const res = await t.http.get("/api/parvis/privacy");
    expect(res.status).toBe(200);
    expect(res.body.locale).toBe("fr");
    expect(res.body.sections.map((s: { id: string }) => s.id)).toEqual(["controller", "account", "content", "connections", "moderation", "rights"]);
    const all = text(res.body);
    expect(all).toContain("La commune de Testville");
    expect(all).toContain("images jusqu’à 8 Mo");
    expect(all).toContain("30 jours pour l’annuler");
    expect(all).toContain("expire après 30 jours");
    expect(all).toContain("les habitant·es visé·es n’y sont pas nommé·es");
    expect(res.body.facts).toMatchObject({ commune_name: "Testville", deletion_grace_days: 30, max_image_megabytes: 8, moderation_log_anonymised: true });
  });

  it("follows the admin's settings: data controller, contact, approval, allowlist, log names shown", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const patch = await t.http
      .patch("/api/parvis/admin/settings")
      .set("Authorization", admin.auth)
      .send({ data_controller: "Mairie de Testville, 1 place de la Mairie", contact_email: "dpo@testville.example", registration_mode: "approval", federation_mode: "allowlist", moderation_log_anonymise: false });
    expect(patch.status).toBe(200);
    expect(patch.body.data_controller).toBe("Mairie de Testville, 1 place de la Mairie");
    const fr = text((await t.http.get("/api/parvis/privacy?locale=fr")).body);
    expect(fr).toContain("Mairie de Testville, 1 place de la Mairie est responsable");
    expect(fr).toContain("dpo@testville.example");
    expect(fr).toContain("le motif que vous écrivez en vous inscrivant est conservé");
    expect(fr).toContain("ne fédère qu’avec une liste d’instances approuvées");
    expect(fr).toContain("le nom du compte visé y figure");
    const en = await t.http.get("/api/parvis/privacy").set("Accept-Language", "en-GB,en;q=0.9");
    expect(en.body.locale).toBe("en");
    expect(text(en.body)).toContain("Mairie de Testville, 1 place de la Mairie is the controller");
  });

  it("bad input: an unknown locale answers 422; a data controller too long is refused", async () => {
    const res = await t.http.get("/api/parvis/privacy?locale=de");
    expect(res.status).toBe(422);
    expect(typeof res.body.error).toBe("string");
    const admin = await createResident(t, "admin", { role: "admin" });
    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ data_controller: "x".repeat(2001) })).status).toBe(422);
    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ data_controller: 5 })).status).toBe(422);
    expect((await t.http.get("/api/parvis/admin/settings").set("Authorization", admin.auth)).body.data_controller).toBe("");
  });
});

describe("accepting the charter at registration", () => {
  it("stores when, and the digest of the charter and rules shown", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ charter: "Charte de Testville" });
    await t.http.post("/api/parvis/admin/rules").set("Authorization", admin.auth).send({ text: "Respect" });
    const res = await t.http.post("/api/v1/accounts").send({ username: "newcomer", password: "long enough pw", agreement: true });
    expect(res.status).toBe(200);
    const [row] = rowsOf<{ at: Date | string | null; digest: string | null }>(
      await t.services.db.execute(sql`select u.agreement_accepted_at as at, u.agreement_digest as digest from users u join accounts a on a.id = u.account_id where a.username = 'newcomer'`),
    );
    expect(row.at).not.toBeNull();
    expect(row.digest).toBe(createHash("sha256").update(JSON.stringify({ charter: "Charte de Testville", rules: ["Respect"] })).digest("hex"));
  });

  it("without agreement nothing is stored", async () => {
    const res = await t.http.post("/api/v1/accounts").send({ username: "hasty", password: "long enough pw", agreement: false });
    expect(res.status).toBe(422);
    expect(rowsOf(await t.services.db.execute(sql`select 1 from accounts where username = 'hasty'`))).toHaveLength(0);
  });
});
