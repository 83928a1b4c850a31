// The moderators' queue: Mastodon's /api/v1/admin/reports and Parvis's report notes.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../../server/db/rows";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { createReport } from "../../server/domain/moderation";
import { countRows, idsOf, parseLink } from "../helpers/api";
import { expectError, INJECTIONS } from "../helpers/accounts-suite";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function report(reporter: Resident, target: Resident, extra: { statusIds?: string[]; comment?: string } = {}) {
  return createReport(t.services.domain, { reporterId: reporter.account.id, targetAccountId: target.account.id, ...extra });
}

describe("the report queue", () => {
  it("a moderator lists open reports, filters them and pages through them with the Link header", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const r1 = await report(alice, bob);
    const r2 = await report(alice, carol);
    const r3 = await report(carol, bob);
    const all = await t.http.get("/api/v1/admin/reports").set("Authorization", mod.auth);
    expect(all.status).toBe(200);
    expect(idsOf(all.body)).toEqual([r3.id, r2.id, r1.id]);
    expect(all.body[0]).toMatchObject({ account: { id: carol.account.id, username: "carol" }, target_account: { id: bob.account.id }, action_taken: false, assigned_account: null });
    const aboutBob = await t.http.get(`/api/v1/admin/reports?target_account_id=${bob.account.id}`).set("Authorization", mod.auth);
    expect(idsOf(aboutBob.body)).toEqual([r3.id, r1.id]);
    const byAlice = await t.http.get(`/api/v1/admin/reports?account_id=${alice.account.id}`).set("Authorization", mod.auth);
    expect(idsOf(byAlice.body)).toEqual([r2.id, r1.id]);
    const first = await t.http.get("/api/v1/admin/reports?limit=2").set("Authorization", mod.auth);
    expect(idsOf(first.body)).toEqual([r3.id, r2.id]);
    const next = parseLink(first.headers.link).next!;
    expect(next).toContain("limit=2");
    expect(idsOf((await t.http.get(next).set("Authorization", mod.auth)).body)).toEqual([r1.id]);
  });

  it("resolving takes a report out of the open queue, reopening puts it back", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const r = await report(alice, bob);
    const resolved = await t.http.post(`/api/v1/admin/reports/${r.id}/resolve`).set("Authorization", mod.auth);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ action_taken: true, action_taken_by_account: { id: mod.account.id } });
    expect(resolved.body.action_taken_at).toEqual(expect.any(String));
    expect(idsOf((await t.http.get("/api/v1/admin/reports?resolved=false").set("Authorization", mod.auth)).body)).toEqual([]);
    expect(idsOf((await t.http.get("/api/v1/admin/reports?resolved=true").set("Authorization", mod.auth)).body)).toEqual([r.id]);
    const reopened = await t.http.post(`/api/v1/admin/reports/${r.id}/reopen`).set("Authorization", mod.auth);
    expect(reopened.body).toMatchObject({ action_taken: false, action_taken_at: null, action_taken_by_account: null });
    expect(idsOf((await t.http.get("/api/v1/admin/reports?resolved=false").set("Authorization", mod.auth)).body)).toEqual([r.id]);
  });

  it("a moderator assigns a report to themselves and unassigns it", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const r = await report(await createResident(t, "alice"), await createResident(t, "bob"));
    const assigned = await t.http.post(`/api/v1/admin/reports/${r.id}/assign_to_self`).set("Authorization", mod.auth);
    expect(assigned.body.assigned_account.id).toBe(mod.account.id);
    const shown = await t.http.get(`/api/v1/admin/reports/${r.id}`).set("Authorization", mod.auth);
    expect(shown.body.assigned_account.id).toBe(mod.account.id);
    const unassigned = await t.http.post(`/api/v1/admin/reports/${r.id}/unassign`).set("Authorization", mod.auth);
    expect(unassigned.body.assigned_account).toBeNull();
  });

  it("a report shows the reported posts, even followers-only ones", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const hidden = await createPost(t, bob, "réservé aux abonnés", { visibility: "private" });
    const r = await report(alice, bob, { statusIds: [hidden.id] });
    const shown = await t.http.get(`/api/v1/admin/reports/${r.id}`).set("Authorization", mod.auth);
    expect(shown.body.statuses.map((s: { content: string }) => s.content)).toEqual([expect.stringContaining("réservé aux abonnés")]);
  });

  it("a Flag received from another server is in the queue with its ActivityPub id", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const bob = await createResident(t, "bob");
    const remote = await upsertRemoteAccount(t.services.domain, { uri: "https://voisins.example/actor", username: "voisins.example", domain: "voisins.example" });
    await createReport(t.services.domain, { reporterId: remote.id, targetAccountId: bob.account.id, comment: "spam", uri: "https://voisins.example/flags/1" });
    const queue = await t.http.get("/api/v1/admin/reports").set("Authorization", mod.auth);
    expect(queue.body[0]).toMatchObject({ account: { domain: "voisins.example" }, parvis: { uri: "https://voisins.example/flags/1" } });
  });

  it("a resident can neither read the queue nor change a report", async () => {
    const alice = await createResident(t, "alice");
    const r = await report(alice, await createResident(t, "bob"));
    expectError(await t.http.get("/api/v1/admin/reports").set("Authorization", alice.auth), 403);
    expectError(await t.http.get(`/api/v1/admin/reports/${r.id}`).set("Authorization", alice.auth), 403);
    for (const verb of ["assign_to_self", "unassign", "resolve", "reopen"]) {
      expectError(await t.http.post(`/api/v1/admin/reports/${r.id}/${verb}`).set("Authorization", alice.auth), 403);
    }
    expectError(await t.http.get("/api/v1/admin/reports"), 401);
    const [row] = rowsOf(await t.services.db.execute(sql`select assigned_account_id, action_taken_at from reports`));
    expect(row).toEqual({ assigned_account_id: null, action_taken_at: null });
  });

  it("unknown or malformed report ids answer 404, bad filters 422", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    for (const id of ["999999999", "abc", "99999999999999999999999", encodeURIComponent(INJECTIONS[0])]) {
      expectError(await t.http.get(`/api/v1/admin/reports/${id}`).set("Authorization", mod.auth), 404);
      expectError(await t.http.post(`/api/v1/admin/reports/${id}/resolve`).set("Authorization", mod.auth), 404);
    }
    expectError(await t.http.get("/api/v1/admin/reports?account_id=abc").set("Authorization", mod.auth), 422);
    expectError(await t.http.get("/api/v1/admin/reports?resolved=perhaps").set("Authorization", mod.auth), 422);
  });
});

describe("notes on reports", () => {
  it("moderators write, read and delete notes on a report", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const other = await createResident(t, "other", { role: "moderator" });
    const r = await report(await createResident(t, "alice"), await createResident(t, "bob"));
    const added = await t.http.post(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", mod.auth).send({ content: "Déjà vu la semaine dernière" });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ content: "Déjà vu la semaine dernière", account: { id: mod.account.id } });
    const list = await t.http.get(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", other.auth);
    expect(list.body.map((n: { content: string }) => n.content)).toEqual(["Déjà vu la semaine dernière"]);
    // only its author (or an admin) deletes a note
    expectError(await t.http.delete(`/api/parvis/admin/reports/${r.id}/notes/${added.body.id}`).set("Authorization", other.auth), 403);
    expect((await t.http.delete(`/api/parvis/admin/reports/${r.id}/notes/${added.body.id}`).set("Authorization", mod.auth)).status).toBe(200);
    expect(await countRows(t, "moderation_notes")).toBe(0);
  });

  it("a resident cannot read or write report notes", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const r = await report(alice, await createResident(t, "bob"));
    await t.http.post(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", mod.auth).send({ content: "interne" });
    expectError(await t.http.get(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", alice.auth), 403);
    expectError(await t.http.post(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", alice.auth).send({ content: "moi aussi" }), 403);
    expect(await countRows(t, "moderation_notes")).toBe(1);
  });

  it("an empty, oversized or mistyped note, or one on an unknown report, stores nothing", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const r = await report(await createResident(t, "alice"), await createResident(t, "bob"));
    for (const body of [{}, { content: "" }, { content: "   " }, { content: 5 }, { content: "x".repeat(2001) }, { content: ["a"] }]) {
      expectError(await t.http.post(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", mod.auth).send(body), 422);
    }
    expectError(await t.http.post(`/api/parvis/admin/reports/${r.id}/notes`).set("Authorization", mod.auth).set("Content-Type", "application/json").send("{"), 400);
    expectError(await t.http.post(`/api/parvis/admin/reports/999999999/notes`).set("Authorization", mod.auth).send({ content: "ok" }), 404);
    expectError(await t.http.delete(`/api/parvis/admin/reports/${r.id}/notes/999999999`).set("Authorization", mod.auth), 404);
    expect(await countRows(t, "moderation_notes")).toBe(0);
  });
});
