import { describe, expect, it } from "vitest";
import { setSetting } from "../../server/domain/instance";
import { recordDeliveryFailure } from "../../federation/delivery-failures";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

async function pendingRegistration(username = "newcomer") {
  await setSetting(t.services.domain, "registration_mode", "approval");
  const res = await t.http.post("/api/v1/accounts").send({ username, password: "long enough pw", agreement: true, reason: "I live here" });
  expect(res.status).toBe(200);
  expect(res.body.parvis.approval_pending).toBe(true);
  return res.body.access_token as string;
}

describe("registrations awaiting approval", () => {
  it("a moderator lists pending registrations with their reason", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    await pendingRegistration();
    const res = await t.http.get("/api/v1/admin/accounts?status=pending").set("Authorization", mod.auth);
    expect(res.status).toBe(200);
    expect(res.body.map((a: { username: string; invite_request: string }) => [a.username, a.invite_request])).toEqual([["newcomer", "I live here"]]);
  });

  it("a resident may not list pending registrations", async () => {
    const someone = await createResident(t, "someone");
    const res = await t.http.get("/api/v1/admin/accounts?status=pending").set("Authorization", someone.auth);
    expect(res.status).toBe(403);
  });

  it("an approved registration's token starts working", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const token = await pendingRegistration();
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${token}`)).status).toBe(401);
    const id = (await t.http.get("/api/v1/admin/accounts?status=pending").set("Authorization", mod.auth)).body[0].id;
    const approve = await t.http.post(`/api/v1/admin/accounts/${id}/approve`).set("Authorization", mod.auth);
    expect(approve.status).toBe(200);
    expect(approve.body.approved).toBe(true);
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${token}`)).status).toBe(200);
  });

  it("a rejected registration is removed and its name is free again", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    await pendingRegistration();
    const id = (await t.http.get("/api/v1/admin/accounts?status=pending").set("Authorization", mod.auth)).body[0].id;
    expect((await t.http.post(`/api/v1/admin/accounts/${id}/reject`).set("Authorization", mod.auth)).status).toBe(200);
    expect((await t.http.get(`/api/v1/accounts/${id}`)).status).toBe(404);
    await setSetting(t.services.domain, "registration_mode", "open");
    expect((await t.http.post("/api/v1/accounts").send({ username: "newcomer", password: "long enough pw", agreement: true })).status).toBe(200);
  });

  it("approving an account that is not pending answers 404", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const other = await createResident(t, "other");
    expect((await t.http.post(`/api/v1/admin/accounts/${other.account.id}/approve`).set("Authorization", mod.auth)).status).toBe(404);
    expect((await t.http.post(`/api/v1/admin/accounts/999999/approve`).set("Authorization", mod.auth)).status).toBe(404);
    expect((await t.http.post(`/api/v1/admin/accounts/abc/approve`).set("Authorization", mod.auth)).status).toBe(404);
  });
});

describe("instance settings", () => {
  it("an admin switches registrations to closed and the instance says so", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ registration_mode: "closed", charter: "Respect" });
    expect(res.status).toBe(200);
    const instance = await t.http.get("/api/v2/instance");
    expect(instance.body.registrations.enabled).toBe(false);
    expect(instance.body.parvis.charter).toBe("Respect");
  });

  it("a moderator may not change instance settings", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", mod.auth).send({ registration_mode: "closed" });
    expect(res.status).toBe(403);
    expect((await t.http.get("/api/v2/instance")).body.registrations.enabled).toBe(true);
  });

  it("an unknown setting or a wrong value is refused with 422 and nothing changes", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ registration_mode: "sometimes" })).status).toBe(422);
    expect((await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ mode: "closed" })).status).toBe(422);
    expect((await t.http.get("/api/parvis/admin/settings").set("Authorization", admin.auth)).body.registration_mode).toBe("open");
  });

  it("an admin adds and removes an instance rule", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const added = await t.http.post("/api/parvis/admin/rules").set("Authorization", admin.auth).send({ text: "Pas d'insultes" });
    expect(added.status).toBe(200);
    expect((await t.http.get("/api/v1/instance/rules")).body.map((r: { text: string }) => r.text)).toEqual(["Pas d'insultes"]);
    expect((await t.http.delete(`/api/parvis/admin/rules/${added.body.id}`).set("Authorization", admin.auth)).status).toBe(200);
    expect((await t.http.get("/api/v1/instance/rules")).body).toEqual([]);
  });
});

describe("federation administration", () => {
  it("an admin sees the remote inboxes that keep failing", async () => {
    await recordDeliveryFailure(t.services.db, new URL("https://down.example/inbox"), new Error("connect ECONNREFUSED"), false);
    await recordDeliveryFailure(t.services.db, new URL("https://down.example/inbox"), new Error("connect ECONNREFUSED"), true);
    const admin = await createResident(t, "boss", { role: "admin" });
    const res = await t.http.get("/api/parvis/admin/delivery_failures").set("Authorization", admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ inbox_url: "https://down.example/inbox", domain: "down.example", failures: 2, last_error: "connect ECONNREFUSED" });
    expect(res.body[0].abandoned_at).not.toBeNull();
  });

  it("a moderator may not see delivery failures or domain policies", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    expect((await t.http.get("/api/parvis/admin/delivery_failures").set("Authorization", mod.auth)).status).toBe(403);
    expect((await t.http.get("/api/parvis/admin/domains").set("Authorization", mod.auth)).status).toBe(403);
  });

  it("an admin blocks a domain, lists it and lifts the block", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const added = await t.http.post("/api/parvis/admin/domains").set("Authorization", admin.auth).send({ domain: "Spam.Example", policy: "block", reason: "spam" });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ domain: "spam.example", policy: "block", reason: "spam" });
    expect((await t.http.get("/api/parvis/admin/domains").set("Authorization", admin.auth)).body.map((d: { domain: string }) => d.domain)).toEqual(["spam.example"]);
    expect((await t.http.delete("/api/parvis/admin/domains/spam.example").set("Authorization", admin.auth)).status).toBe(200);
    expect((await t.http.get("/api/parvis/admin/domains").set("Authorization", admin.auth)).body).toEqual([]);
  });

  it("an invalid domain or policy is refused with 422 and nothing is stored", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    for (const body of [{ domain: "not a host/path", policy: "block" }, { domain: "ok.example", policy: "maybe" }, { domain: "", policy: "allow" }, { domain: t.config.domain, policy: "block" }]) {
      expect((await t.http.post("/api/parvis/admin/domains").set("Authorization", admin.auth).send(body)).status).toBe(422);
    }
    expect((await t.http.get("/api/parvis/admin/domains").set("Authorization", admin.auth)).body).toEqual([]);
    expect((await t.http.delete("/api/parvis/admin/domains/unknown.example").set("Authorization", admin.auth)).status).toBe(404);
  });
});
