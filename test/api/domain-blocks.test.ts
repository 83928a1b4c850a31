// The domain policies seen through Mastodon's admin domain_blocks and domain_allows.
import { describe, expect, it } from "vitest";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { isDomainAllowed } from "../../server/domain/domains";
import { storeRemoteStatus } from "../../server/domain/statuses";
import { countRows, idsOf } from "../helpers/api";
import { expectError, INJECTIONS } from "../helpers/accounts-suite";
import { createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function remotePost(domain = "voisins.example") {
  const ctx = t.services.domain;
  const account = await upsertRemoteAccount(ctx, { uri: `https://${domain}/users/irene`, username: "irene", domain });
  return storeRemoteStatus(ctx, { uri: `https://${domain}/notes/1`, authorId: account.id, content: "<p>salut</p>", visibility: "public" });
}

describe("domain blocks", () => {
  it("an admin suspends a domain: federation stops and its posts leave the timelines; deleting the block restores both", async () => {
    const boss = await createResident(t, "boss", { role: "admin" });
    const status = await remotePost("social.voisins.example");
    const res = await t.http
      .post("/api/v1/admin/domain_blocks")
      .set("Authorization", boss.auth)
      .send({ domain: "Voisins.Example", severity: "suspend", public_comment: "harcèlement", private_comment: "voir le dossier 12" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: "voisins.example", domain: "voisins.example", severity: "suspend", public_comment: "harcèlement", private_comment: "voir le dossier 12" });
    expect(res.body.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await isDomainAllowed(t.services.domain, "social.voisins.example")).toBe(false);
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).not.toContain(status.id);
    expect((await t.http.get(`/api/v1/statuses/${status.id}`)).status).toBe(404);
    expect(idsOf((await t.http.get("/api/v1/admin/domain_blocks").set("Authorization", boss.auth)).body)).toEqual(["voisins.example"]);
    expect((await t.http.get("/api/v1/admin/domain_blocks/voisins.example").set("Authorization", boss.auth)).body.severity).toBe("suspend");
    expect((await t.http.delete("/api/v1/admin/domain_blocks/voisins.example").set("Authorization", boss.auth)).status).toBe(200);
    expect(await isDomainAllowed(t.services.domain, "social.voisins.example")).toBe(true);
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).toContain(status.id);
    expect((await t.http.get(`/api/v1/statuses/${status.id}`)).status).toBe(200);
  });

  it("a silenced domain still federates, but its posts stay out of the public timeline", async () => {
    const boss = await createResident(t, "boss", { role: "admin" });
    const status = await remotePost();
    await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).send({ domain: "voisins.example", severity: "silence" });
    expect(await isDomainAllowed(t.services.domain, "voisins.example")).toBe(true);
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).not.toContain(status.id);
    // raised to a suspension by an update
    const updated = await t.http.put("/api/v1/admin/domain_blocks/voisins.example").set("Authorization", boss.auth).send({ severity: "suspend" });
    expect(updated.body.severity).toBe("suspend");
    expect(await isDomainAllowed(t.services.domain, "voisins.example")).toBe(false);
  });

  it("a moderator cannot read or change domain blocks (federation is the admins')", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    expectError(await t.http.get("/api/v1/admin/domain_blocks").set("Authorization", mod.auth), 403);
    expectError(await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", mod.auth).send({ domain: "voisins.example" }), 403);
    expectError(await t.http.get("/api/v1/admin/domain_allows").set("Authorization", mod.auth), 403);
    expectError(await t.http.post("/api/v1/admin/domain_allows").set("Authorization", mod.auth).send({ domain: "voisins.example" }), 403);
    expect(await countRows(t, "domain_policies")).toBe(0);
  });

  it("bad input stores nothing", async () => {
    const boss = await createResident(t, "boss", { role: "admin" });
    const bad: unknown[] = [
      {},
      { domain: "" },
      { domain: 42 },
      { domain: "voisins.example", severity: "nuke" },
      { domain: "voisins.example", severity: "noop" },
      { domain: "voisins.example", public_comment: "x".repeat(1001) },
      { domain: t.config.domain },
      ...INJECTIONS.map((domain) => ({ domain })),
    ];
    for (const body of bad) expectError(await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).send(body as object), 422);
    expectError(await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).set("Content-Type", "application/json").send("{"), 400);
    expect(await countRows(t, "domain_policies")).toBe(0);
    for (const id of ["nowhere.example", encodeURIComponent(INJECTIONS[0])]) {
      expectError(await t.http.get(`/api/v1/admin/domain_blocks/${id}`).set("Authorization", boss.auth), 404);
      expectError(await t.http.delete(`/api/v1/admin/domain_blocks/${id}`).set("Authorization", boss.auth), 404);
      expectError(await t.http.put(`/api/v1/admin/domain_blocks/${id}`).set("Authorization", boss.auth).send({ severity: "silence" }), 404);
    }
    await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).send({ domain: "voisins.example" });
    expectError(await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).send({ domain: "voisins.example", severity: "silence" }), 422);
    expectError(await t.http.put("/api/v1/admin/domain_blocks/voisins.example").set("Authorization", boss.auth).send({ severity: "noop" }), 422);
    expect((await t.http.get("/api/v1/admin/domain_blocks/voisins.example").set("Authorization", boss.auth)).body.severity).toBe("suspend");
  });
});

describe("domain allows", () => {
  it("in allowlist mode the allowlist is domain_allows", async () => {
    const boss = await createResident(t, "boss", { role: "admin" });
    await t.http.patch("/api/parvis/admin/settings").set("Authorization", boss.auth).send({ federation_mode: "allowlist" });
    expect(await isDomainAllowed(t.services.domain, "voisins.example")).toBe(false);
    const res = await t.http.post("/api/v1/admin/domain_allows").set("Authorization", boss.auth).send({ domain: "voisins.example" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: "voisins.example", domain: "voisins.example" });
    // allowing again returns the same entry
    expect((await t.http.post("/api/v1/admin/domain_allows").set("Authorization", boss.auth).send({ domain: "voisins.example" })).body.id).toBe("voisins.example");
    expect(await isDomainAllowed(t.services.domain, "voisins.example")).toBe(true);
    expect(idsOf((await t.http.get("/api/v1/admin/domain_allows").set("Authorization", boss.auth)).body)).toEqual(["voisins.example"]);
    expect(idsOf((await t.http.get("/api/v1/admin/domain_blocks").set("Authorization", boss.auth)).body)).toEqual([]);
    expect((await t.http.delete("/api/v1/admin/domain_allows/voisins.example").set("Authorization", boss.auth)).status).toBe(200);
    expect(await isDomainAllowed(t.services.domain, "voisins.example")).toBe(false);
  });

  it("a blocked domain cannot be allowed, nor an allowed one blocked, and bad input stores nothing", async () => {
    const boss = await createResident(t, "boss", { role: "admin" });
    await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).send({ domain: "mauvais.example" });
    await t.http.post("/api/v1/admin/domain_allows").set("Authorization", boss.auth).send({ domain: "bon.example" });
    expectError(await t.http.post("/api/v1/admin/domain_allows").set("Authorization", boss.auth).send({ domain: "mauvais.example" }), 422);
    expectError(await t.http.post("/api/v1/admin/domain_blocks").set("Authorization", boss.auth).send({ domain: "bon.example" }), 422);
    for (const body of [{}, { domain: 1 }, { domain: "a b" }, ...INJECTIONS.map((domain) => ({ domain }))]) {
      expectError(await t.http.post("/api/v1/admin/domain_allows").set("Authorization", boss.auth).send(body), 422);
    }
    expectError(await t.http.delete("/api/v1/admin/domain_allows/mauvais.example").set("Authorization", boss.auth), 404);
    expectError(await t.http.get("/api/v1/admin/domain_allows/nowhere.example").set("Authorization", boss.auth), 404);
    expect(await countRows(t, "domain_policies")).toBe(2);
  });
});
