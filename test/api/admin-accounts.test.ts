// Accounts as moderators see them (/api/v1/admin/accounts) and the actions on
// them, each with its effect checked where residents would meet it.
import { describe, expect, it } from "vitest";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { follow } from "../../server/domain/follows";
import { addRule } from "../../server/domain/instance";
import { applyAccountAction, COMMAND_LINE, createReport, purgeExpiredSuspensions } from "../../server/domain/moderation";
import { storeRemoteStatus } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { runJobs } from "../../server/jobs";
import { countRows, createMedia, idsOf } from "../helpers/api";
import { expectError, INJECTIONS, PASSWORD } from "../helpers/accounts-suite";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

function act(by: Resident, accountId: string, body: Record<string, unknown>) {
  return t.http.post(`/api/v1/admin/accounts/${accountId}/action`).set("Authorization", by.auth).send(body);
}

function lift(by: Resident, accountId: string, verb: string) {
  return t.http.post(`/api/v1/admin/accounts/${accountId}/${verb}`).set("Authorization", by.auth).send({});
}

const DAY = 86_400_000;

async function remoteAccount() {
  return upsertRemoteAccount(t.services.domain, {
    uri: "https://voisins.example/users/irene",
    username: "irene",
    domain: "voisins.example",
    inboxUrl: "https://voisins.example/users/irene/inbox",
  });
}

describe("listing accounts", () => {
  it("a moderator lists accounts with Mastodon's filters", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const remote = await remoteAccount();
    const ids = (q: string) => t.http.get(`/api/v1/admin/accounts${q}`).set("Authorization", mod.auth).then((r) => idsOf(r.body).sort());
    expect(await ids("")).toEqual([mod.account.id, alice.account.id, remote.id].sort());
    expect(await ids("?local=true")).toEqual([mod.account.id, alice.account.id].sort());
    expect(await ids("?origin=remote")).toEqual([remote.id]);
    expect(await ids("?by_domain=voisins.example")).toEqual([remote.id]);
    expect(await ids("?staff=true")).toEqual([mod.account.id]);
    expect(await ids("?username=ali")).toEqual([alice.account.id]);
    expect(await ids("?username=%25")).toEqual([]);
    await act(mod, alice.account.id, { type: "silence" });
    expect(await ids("?silenced=true")).toEqual([alice.account.id]);
    expect(await ids("?status=silenced")).toEqual([alice.account.id]);
    const shown = await t.http.get(`/api/v1/admin/accounts/${alice.account.id}`).set("Authorization", mod.auth);
    expect(shown.body).toMatchObject({ id: alice.account.id, username: "alice", domain: null, silenced: true, suspended: false, disabled: false, role: { name: "resident" } });
    const remoteShown = await t.http.get(`/api/v1/admin/accounts/${remote.id}`).set("Authorization", mod.auth);
    expect(remoteShown.body).toMatchObject({ domain: "voisins.example", email: null, role: null });
  });

  it("a resident cannot list or read accounts as staff; bad filters are refused", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    expectError(await t.http.get("/api/v1/admin/accounts").set("Authorization", alice.auth), 403);
    expectError(await t.http.get(`/api/v1/admin/accounts/${mod.account.id}`).set("Authorization", alice.auth), 403);
    expectError(await t.http.get("/api/v1/admin/accounts?status=haunted").set("Authorization", mod.auth), 422);
    expectError(await t.http.get("/api/v1/admin/accounts?local=true&remote=true").set("Authorization", mod.auth), 422);
    expectError(await t.http.get("/api/v1/admin/accounts?silenced=true&suspended=true").set("Authorization", mod.auth), 422);
    for (const id of ["999999999", "abc", encodeURIComponent(INJECTIONS[0])]) {
      expectError(await t.http.get(`/api/v1/admin/accounts/${id}`).set("Authorization", mod.auth), 404);
    }
  });
});

describe("silence", () => {
  it("a silenced account's posts leave the public, local and hashtag timelines and trends, but reach its followers", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const loud = await createResident(t, "loud");
    const fan = await createResident(t, "fan");
    const stranger = await createResident(t, "stranger");
    await follow(t.services.domain, fan.account, loud.account);
    const post = await createPost(t, loud, "Achetez au #marché");
    await createPost(t, stranger, "Le #marché est ouvert");
    expect((await act(mod, loud.account.id, { type: "silence", text: "spam répété" })).status).toBe(200);
    const timeline = async (path: string, who?: Resident) => {
      const req = t.http.get(path);
      const res = who ? await req.set("Authorization", who.auth) : await req;
      return idsOf(res.body);
    };
    for (const path of ["/api/v1/timelines/public", "/api/v1/timelines/public?local=true", "/api/v1/timelines/tag/march%C3%A9"]) {
      expect(await timeline(path), path).not.toContain(post.id);
      expect(await timeline(path, stranger), path).not.toContain(post.id);
      expect(await timeline(path, fan), path).toContain(post.id);
    }
    const trends = await t.http.get("/api/v1/trends/tags");
    expect(trends.body.map((x: { history: { accounts: string }[] }) => x.history[0].accounts)).toEqual(["1"]);
    expect(await timeline("/api/v1/timelines/home", fan)).toContain(post.id);
    // lifted: back in public
    expect((await lift(mod, loud.account.id, "unsilence")).body.silenced).toBe(false);
    expect(await timeline("/api/v1/timelines/public", stranger)).toContain(post.id);
  });
});

describe("suspension", () => {
  it("a suspended resident's token fails at once, open streams are told, and password login is refused", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const bob = await createResident(t, "bob");
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", bob.auth)).status).toBe(200);
    const revoked: DomainEvents["tokens.revoked"][] = [];
    const off = t.services.events.on("tokens.revoked", (e) => void revoked.push(e));
    try {
      expect((await act(mod, bob.account.id, { type: "suspend", text: "menaces" })).status).toBe(200);
    } finally {
      off();
    }
    expect(revoked).toEqual([{ userId: bob.user.id, tokenIds: null }]);
    expectError(await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", bob.auth), 401);
    expect((await t.http.post("/api/parvis/web/session").send({ username: "bob", password: PASSWORD })).status).toBe(403);
    // lifted: the same token works again
    expect((await lift(mod, bob.account.id, "unsuspend")).body.suspended).toBe(false);
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", bob.auth)).status).toBe(200);
  });

  it("a suspended account's profile and posts are hidden from every reader", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const bob = await createResident(t, "bob");
    const alice = await createResident(t, "alice");
    await follow(t.services.domain, alice.account, bob.account);
    const post = await createPost(t, bob, "Bonjour #village");
    await act(mod, bob.account.id, { type: "suspend" });
    expect((await t.http.get(`/api/v1/accounts/${bob.account.id}`)).status).toBe(404);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth)).status).toBe(404);
    expect(idsOf((await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth)).body)).not.toContain(post.id);
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).not.toContain(post.id);
    expect(idsOf((await t.http.get("/api/v1/timelines/tag/village")).body)).not.toContain(post.id);
  });

  it("a suspended remote account's posts are hidden", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const remote = await remoteAccount();
    const status = await storeRemoteStatus(t.services.domain, { uri: "https://voisins.example/notes/1", authorId: remote.id, content: "<p>salut</p>", visibility: "public" });
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).toContain(status.id);
    expect((await act(mod, remote.id, { type: "suspend" })).status).toBe(200);
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).not.toContain(status.id);
    expect((await t.http.get(`/api/v1/statuses/${status.id}`)).status).toBe(404);
  });

  it("after the grace period the suspended resident's data is deleted and the deletion federates; unsuspended in time, nothing is", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await createPost(t, bob, "à effacer");
    await createPost(t, carol, "à garder");
    await act(mod, bob.account.id, { type: "suspend" });
    await act(mod, carol.account.id, { type: "suspend" });
    await lift(mod, carol.account.id, "unsuspend");
    const deleted: DomainEvents["account.deleted"][] = [];
    const off = t.services.events.on("account.deleted", (e) => void deleted.push(e));
    try {
      // not yet due
      expect(await purgeExpiredSuspensions(t.services.domain, new Date(Date.now() + 29 * DAY))).toEqual([]);
      // the periodic jobs take it up once due
      await runJobs(t.services, new Date(Date.now() + 31 * DAY));
      await t.services.events.settle();
    } finally {
      off();
    }
    expect(deleted.map((e) => e.accountId)).toEqual([bob.account.id]);
    expect(await countRows(t, "statuses")).toBe(1);
    expect((await t.http.post("/api/parvis/web/session").send({ username: "bob", password: PASSWORD })).status).not.toBe(200);
    // the emptied account cannot be unsuspended any more
    expectError(await lift(mod, bob.account.id, "unsuspend"), 404);
  });

  it("an action naming a report resolves it and is in the account's history with its rule", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const rule = await addRule(t.services.domain, "Pas de menaces");
    const report = await createReport(t.services.domain, { reporterId: alice.account.id, targetAccountId: bob.account.id });
    expect((await act(mod, bob.account.id, { type: "suspend", report_id: report.id, text: "menaces", rule_ids: [rule.id] })).status).toBe(200);
    const shown = await t.http.get(`/api/v1/admin/reports/${report.id}`).set("Authorization", mod.auth);
    expect(shown.body).toMatchObject({ action_taken: true, action_taken_by_account: { id: mod.account.id } });
    await lift(mod, bob.account.id, "unsuspend");
    const history = await t.http.get(`/api/parvis/admin/accounts/${bob.account.id}/actions`).set("Authorization", mod.auth);
    expect(history.body).toMatchObject([
      { action: "unsuspend", by_account_id: mod.account.id },
      { action: "suspend", text: "menaces", report_id: report.id, rule_ids: [rule.id] },
    ]);
  });
});

describe("sensitive and disable", () => {
  it("marking an account sensitive puts its media behind a warning, and lifting it removes the warning", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const bob = await createResident(t, "bob");
    const media = await createMedia(t, bob);
    const withMedia = await createPost(t, bob, "photo", { mediaIds: [media.id] });
    const plain = await createPost(t, bob, "texte");
    await act(mod, bob.account.id, { type: "sensitive" });
    const read = async (id: string) => (await t.http.get(`/api/v1/statuses/${id}`)).body.sensitive;
    expect(await read(withMedia.id)).toBe(true);
    expect(await read(plain.id)).toBe(false);
    expect((await lift(mod, bob.account.id, "unsensitive")).body.sensitized).toBe(false);
    expect(await read(withMedia.id)).toBe(false);
  });

  it("a disabled resident cannot log in but their posts stay visible; enabling restores the login", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const bob = await createResident(t, "bob");
    const post = await createPost(t, bob, "toujours là");
    expect((await act(mod, bob.account.id, { type: "disable" })).status).toBe(200);
    expectError(await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", bob.auth), 401);
    expect((await t.http.post("/api/parvis/web/session").send({ username: "bob", password: PASSWORD })).status).toBe(403);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(200);
    expect((await t.http.get(`/api/v1/accounts/${bob.account.id}`)).status).toBe(200);
    expect((await lift(mod, bob.account.id, "enable")).body.disabled).toBe(false);
    expect((await t.http.post("/api/parvis/web/session").send({ username: "bob", password: PASSWORD })).status).toBe(200);
  });
});

describe("who may act", () => {
  it("a moderator cannot act on an admin, another moderator or themselves; an admin acts on a moderator", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const mod2 = await createResident(t, "mod2", { role: "moderator" });
    const boss = await createResident(t, "boss", { role: "admin" });
    expectError(await act(mod, boss.account.id, { type: "suspend" }), 403);
    expectError(await act(mod, mod2.account.id, { type: "silence" }), 403);
    expectError(await act(mod, mod.account.id, { type: "silence" }), 403);
    expect(await countRows(t, "account_actions")).toBe(0);
    expect((await act(boss, mod2.account.id, { type: "silence" })).status).toBe(200);
    expectError(await lift(mod, mod2.account.id, "unsilence"), 403);
  });

  it("the command line acts as an admin without an account, even on an admin, and is in the history", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const boss = await createResident(t, "boss", { role: "admin" });
    await applyAccountAction(t.services.domain, COMMAND_LINE, { targetAccountId: boss.account.id, type: "suspend", text: "compte compromis" });
    expectError(await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", boss.auth), 401);
    const history = await t.http.get(`/api/parvis/admin/accounts/${boss.account.id}/actions`).set("Authorization", mod.auth);
    expect(history.body).toMatchObject([{ action: "suspend", text: "compte compromis", by_account_id: null }]);
  });

  it("a resident cannot act on an account nor lift an action", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    expectError(await act(alice, bob.account.id, { type: "suspend" }), 403);
    expectError(await lift(alice, bob.account.id, "unsuspend"), 403);
    expect((await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", bob.auth)).status).toBe(200);
    expect(await countRows(t, "account_actions")).toBe(0);
  });

  it("bad input on the action endpoint is refused and nothing changes", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const remote = await remoteAccount();
    const aboutAlice = await createReport(t.services.domain, { reporterId: bob.account.id, targetAccountId: alice.account.id });
    const bad: unknown[] = [
      {},
      { type: "ban" },
      { type: 3 },
      { type: "suspend", report_id: aboutAlice.id },
      { type: "suspend", report_id: "999999999" },
      { type: "suspend", report_id: "abc" },
      { type: "suspend", rule_ids: ["999999999"] },
      { type: "suspend", text: "x".repeat(5001) },
      { type: "suspend", text: ["a"] },
      ...INJECTIONS.map((s) => ({ type: s })),
    ];
    for (const body of bad) expectError(await act(mod, bob.account.id, body as Record<string, unknown>), 422);
    expectError(await act(mod, remote.id, { type: "disable" }), 422);
    expectError(await t.http.post(`/api/v1/admin/accounts/${bob.account.id}/action`).set("Authorization", mod.auth).set("Content-Type", "application/json").send("{"), 400);
    expectError(await act(mod, "999999999", { type: "suspend" }), 404);
    expectError(await act(mod, "abc", { type: "suspend" }), 404);
    // lifting what is not in force
    for (const verb of ["unsilence", "unsuspend", "unsensitive", "enable"]) expectError(await lift(mod, bob.account.id, verb), 422);
    expect(await countRows(t, "account_actions")).toBe(0);
    expect((await t.http.get(`/api/v1/admin/accounts/${bob.account.id}`).set("Authorization", mod.auth)).body).toMatchObject({ silenced: false, suspended: false, disabled: false, sensitized: false });
    expect((await t.http.get(`/api/v1/admin/reports/${aboutAlice.id}`).set("Authorization", mod.auth)).body.action_taken).toBe(false);
  });
});

describe("notes on accounts", () => {
  it("staff keep notes on an account; residents cannot read them", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const boss = await createResident(t, "boss", { role: "admin" });
    const bob = await createResident(t, "bob");
    const note = await t.http.post(`/api/parvis/admin/accounts/${bob.account.id}/notes`).set("Authorization", mod.auth).send({ content: "Averti oralement en mairie" });
    expect(note.status).toBe(200);
    expect((await t.http.get(`/api/parvis/admin/accounts/${bob.account.id}/notes`).set("Authorization", boss.auth)).body.map((n: { content: string }) => n.content)).toEqual([
      "Averti oralement en mairie",
    ]);
    expectError(await t.http.get(`/api/parvis/admin/accounts/${bob.account.id}/notes`).set("Authorization", bob.auth), 403);
    expectError(await t.http.get(`/api/parvis/admin/accounts/${bob.account.id}/actions`).set("Authorization", bob.auth), 403);
    expectError(await t.http.post(`/api/parvis/admin/accounts/999999999/notes`).set("Authorization", mod.auth).send({ content: "x" }), 404);
    expectError(await t.http.post(`/api/parvis/admin/accounts/${bob.account.id}/notes`).set("Authorization", mod.auth).send({ content: "" }), 422);
    // an admin may delete another's note
    expect((await t.http.delete(`/api/parvis/admin/accounts/${bob.account.id}/notes/${note.body.id}`).set("Authorization", boss.auth)).status).toBe(200);
    expect(await countRows(t, "moderation_notes")).toBe(0);
  });
});
