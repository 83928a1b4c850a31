// Groups through the API: creating, the directory, joining (charter, approval),
// leaving (the last admin), roles, removal, bans, posting, pins and removals,
// the Mastodon view (a group is an account with group: true, following joins).
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accounts, groupBans, groupMemberships, groupPins, groupRemovals, groups, statuses } from "../../server/db/schema";
import { countRows, idsOf, parseLink } from "../helpers/api";
import { createResident } from "../helpers/factories";
import { cast, join, makeGroup, postIn } from "../helpers/groups";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const db = () => t.services.db;

async function membership(groupId: string, accountId: string) {
  const [row] = await db()
    .select()
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId)));
  return row;
}

describe("creating a group", () => {
  it("stores the group as an account with group: true, its row, and its creator as admin", async () => {
    const alice = await createResident(t, "alice");
    const g = await makeGroup(t, alice, { slug: "gare", name: "Quartier de la Gare", description: "Le quartier #gare", area: "Gare" });
    expect(g).toMatchObject({ slug: "gare", name: "Quartier de la Gare", kind: "neighbourhood", visibility: "public", membership: "open", posting: "members", members_count: 1, area: "Gare" });
    expect(g.account).toMatchObject({ id: g.id, group: true, acct: "gare", followers_count: 1, locked: false });
    expect(g.relationship).toMatchObject({ state: "active", role: "admin", can_post: true, can_moderate: true });
    const [acc] = await db().select().from(accounts).where(eq(accounts.id, g.id));
    expect(acc).toMatchObject({ actorType: "Group", domain: null, username: "gare", displayName: "Quartier de la Gare", noteSource: "Le quartier #gare" });
    expect(acc.uri).toBe(`${t.services.config.origin}/groups/gare`);
    const [row] = await db().select().from(groups).where(eq(groups.accountId, g.id));
    expect(row).toMatchObject({ kind: "neighbourhood", createdById: alice.account.id, charterVersion: 1 });
    expect(await membership(g.id, alice.account.id)).toMatchObject({ role: "admin", state: "active" });
  });

  it("the group is a Mastodon account: GET /api/v1/accounts/:id shows group: true and its member count", async () => {
    const { group } = await cast(t);
    const res = await t.http.get(`/api/v1/accounts/${group.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ group: true, followers_count: 3, acct: group.slug });
  });

  it("a slug taken by a resident or another group is refused with 422 and nothing stored", async () => {
    const alice = await createResident(t, "alice");
    await makeGroup(t, alice, { slug: "ecole" });
    const before = await countRows(t, "accounts");
    for (const slug of ["ecole", "ECOLE", "alice"]) {
      const res = await t.http.post("/api/parvis/groups").set("Authorization", alice.auth).send({ slug, name: "x", kind: "topic" });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatch(/taken/);
    }
    expect(await countRows(t, "accounts")).toBe(before);
  });

  it("a vigilance group needs a charter", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/parvis/groups").set("Authorization", alice.auth).send({ slug: "vigie", name: "Vigilance", kind: "vigilance" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "groups")).toBe(0);
  });

  it("when the instance lets admins only create groups, a resident is refused (403) and an admin is not", async () => {
    const admin = await createResident(t, "boss", { role: "admin" });
    const alice = await createResident(t, "alice");
    const set = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ group_creation: "admins" });
    expect(set.status).toBe(200);
    expect(set.body.group_creation).toBe("admins");
    // clients read it from the instance (to offer "create a group" or not)
    for (const path of ["/api/v2/instance", "/api/v1/instance"]) expect((await t.http.get(path)).body.parvis.group_creation).toBe("admins");
    const refused = await t.http.post("/api/parvis/groups").set("Authorization", alice.auth).send({ slug: "a1", name: "A", kind: "topic" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("Only the instance's admins may create groups");
    expect(await countRows(t, "groups")).toBe(0);
    await makeGroup(t, admin, { slug: "a2" });
    expect(await countRows(t, "groups")).toBe(1);
    const bad = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ group_creation: "nobody" });
    expect(bad.status).toBe(422);
  });

  it("creating needs a token", async () => {
    const res = await t.http.post("/api/parvis/groups").send({ slug: "x", name: "x", kind: "topic" });
    expect(res.status).toBe(401);
  });
});

describe("changing a group", () => {
  it("its admin changes name and charter; a new charter text is a new version", async () => {
    const { admin, group } = await cast(t);
    const res = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ name: "Gare Nord", charter: "Respect", membership: "approval" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Gare Nord", charter: "Respect", charter_version: 2, membership: "approval" });
    expect(res.body.account.locked).toBe(true);
    const again = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ charter: "Respect" });
    expect(again.body.charter_version).toBe(2);
  });

  it("a moderator, a member and an outsider may not change it (403), and nothing changes", async () => {
    const { moderator, member, outsider, group } = await cast(t);
    for (const who of [moderator, member, outsider]) {
      const res = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", who.auth).send({ name: "Pirate" });
      expect(res.status).toBe(403);
    }
    const [acc] = await db().select().from(accounts).where(eq(accounts.id, group.id));
    expect(acc.displayName).toBe("Quartier de la Gare");
  });

  it("an instance moderator acts as the group's admin", async () => {
    const { group } = await cast(t);
    const staff = await createResident(t, "staff", { role: "moderator" });
    const res = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", staff.auth).send({ posting: "moderators" });
    expect(res.status).toBe(200);
    expect(res.body.posting).toBe("moderators");
  });
});

describe("the directory", () => {
  it("finds groups by words and kind, newest first, with Link pagination", async () => {
    const alice = await createResident(t, "alice");
    const a = await makeGroup(t, alice, { slug: "ecole_jaures", name: "Parents de l'école Jaurès", kind: "association" });
    const b = await makeGroup(t, alice, { slug: "velo", name: "Vélo au quotidien", kind: "topic" });
    const c = await makeGroup(t, alice, { slug: "gare", name: "Quartier de la Gare", kind: "neighbourhood", description: "vélo et piétons" });
    expect(idsOf((await t.http.get("/api/parvis/groups")).body)).toEqual([c.id, b.id, a.id]);
    expect(idsOf((await t.http.get("/api/parvis/groups?q=v%C3%A9lo")).body)).toEqual([c.id, b.id]);
    expect(idsOf((await t.http.get("/api/parvis/groups?kind=association")).body)).toEqual([a.id]);
    const first = await t.http.get("/api/parvis/groups?limit=2");
    expect(idsOf(first.body)).toEqual([c.id, b.id]);
    const next = parseLink(first.headers.link).next!;
    expect(idsOf((await t.http.get(next)).body)).toEqual([a.id]);
  });

  it("LIKE wildcards in q are literal", async () => {
    const alice = await createResident(t, "alice");
    await makeGroup(t, alice, { slug: "gare" });
    expect((await t.http.get("/api/parvis/groups?q=%25")).body).toEqual([]);
    expect((await t.http.get("/api/parvis/groups?q=_")).body).toEqual([]);
  });

  it("mine=true lists the caller's groups and pending requests only", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const open = await makeGroup(t, alice, { slug: "open1" });
    const approval = await makeGroup(t, alice, { slug: "appr1", membership: "approval" });
    await makeGroup(t, alice, { slug: "other" });
    await join(t, bob, open.id);
    await join(t, bob, approval.id);
    const res = await t.http.get("/api/parvis/groups?mine=true").set("Authorization", bob.auth);
    expect(idsOf(res.body)).toEqual([approval.id, open.id]);
    expect(res.body.map((g: { relationship: { state: string } }) => g.relationship.state)).toEqual(["pending", "active"]);
    expect((await t.http.get("/api/parvis/groups?mine=true")).status).toBe(401);
  });
});

describe("joining and leaving", () => {
  it("joining an open group makes an active member and counts them", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const g = await makeGroup(t, alice);
    const res = await join(t, bob, g.id);
    expect(res.status).toBe(200);
    expect(res.body.relationship).toMatchObject({ state: "active", role: "member" });
    expect(res.body.members_count).toBe(2);
    expect(await membership(g.id, bob.account.id)).toMatchObject({ state: "active", role: "member" });
  });

  it("a vigilance group is joined only by accepting its charter, recorded with its date and version", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const g = await makeGroup(t, alice, { kind: "vigilance", charter: "Nous documentons, nous ne dénonçons pas." });
    const refused = await join(t, bob, g.id);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/charter/);
    expect(await membership(g.id, bob.account.id)).toBeUndefined();
    const before = Date.now();
    const ok = await join(t, bob, g.id, { accept_charter: true });
    expect(ok.status).toBe(200);
    const row = await membership(g.id, bob.account.id);
    expect(row).toMatchObject({ state: "active", charterVersion: 1 });
    expect(row.charterAcceptedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // the charter changes: accepting again records the new version
    await t.http.patch(`/api/parvis/groups/${g.id}`).set("Authorization", alice.auth).send({ charter: "Version 2" });
    await join(t, bob, g.id, { accept_charter: true });
    expect((await membership(g.id, bob.account.id)).charterVersion).toBe(2);
  });

  it("joining an approval group is a request; a moderator approves it, a member may not", async () => {
    const { admin, moderator, member, outsider, group } = await cast(t);
    await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ membership: "approval" });
    const asked = await join(t, outsider, group.id);
    expect(asked.body.relationship).toMatchObject({ state: "pending", role: null, can_post: false });
    expect(asked.body.members_count).toBe(3);
    expect((await t.http.get(`/api/parvis/groups/${group.id}/requests`).set("Authorization", member.auth)).status).toBe(403);
    expect((await t.http.post(`/api/parvis/groups/${group.id}/requests/${outsider.account.id}/approve`).set("Authorization", member.auth)).status).toBe(403);
    const list = await t.http.get(`/api/parvis/groups/${group.id}/requests`).set("Authorization", moderator.auth);
    expect(list.status).toBe(200);
    expect(list.body.map((r: { account: { id: string } }) => r.account.id)).toEqual([outsider.account.id]);
    const ok = await t.http.post(`/api/parvis/groups/${group.id}/requests/${outsider.account.id}/approve`).set("Authorization", moderator.auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: "active", role: "member" });
    expect(await membership(group.id, outsider.account.id)).toMatchObject({ state: "active" });
    expect((await t.http.get(`/api/v1/accounts/${group.id}`)).body.followers_count).toBe(4);
    // approving again: there is no request any more
    expect((await t.http.post(`/api/parvis/groups/${group.id}/requests/${outsider.account.id}/approve`).set("Authorization", moderator.auth)).status).toBe(404);
  });

  it("a rejected request is gone", async () => {
    const { admin, moderator, outsider, group } = await cast(t);
    await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ membership: "approval" });
    await join(t, outsider, group.id);
    const res = await t.http.post(`/api/parvis/groups/${group.id}/requests/${outsider.account.id}/reject`).set("Authorization", moderator.auth);
    expect(res.status).toBe(200);
    expect(await membership(group.id, outsider.account.id)).toBeUndefined();
  });

  it("leaving is always possible; the last admin's leaving hands the group to its longest-standing moderator", async () => {
    const { admin, moderator, member, group } = await cast(t);
    expect((await t.http.post(`/api/parvis/groups/${group.id}/leave`).set("Authorization", member.auth)).status).toBe(200);
    expect(await membership(group.id, member.account.id)).toBeUndefined();
    const res = await t.http.post(`/api/parvis/groups/${group.id}/leave`).set("Authorization", admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.relationship.state).toBeNull();
    expect(await membership(group.id, moderator.account.id)).toMatchObject({ role: "admin" });
    expect(res.body.members_count).toBe(1);
  });

  it("following the group's account joins it, unfollowing leaves it, and relationships say so", async () => {
    const { admin, outsider, group } = await cast(t);
    const res = await t.http.post(`/api/v1/accounts/${group.id}/follow`).set("Authorization", outsider.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ following: true, requested: false });
    expect(await membership(group.id, outsider.account.id)).toMatchObject({ state: "active" });
    expect(await countRows(t, "follows")).toBe(0);
    const un = await t.http.post(`/api/v1/accounts/${group.id}/unfollow`).set("Authorization", outsider.auth);
    expect(un.body).toMatchObject({ following: false });
    expect(await membership(group.id, outsider.account.id)).toBeUndefined();
    await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ membership: "approval" });
    const asked = await t.http.post(`/api/v1/accounts/${group.id}/follow`).set("Authorization", outsider.auth);
    expect(asked.body).toMatchObject({ following: false, requested: true });
    const rel = await t.http.get(`/api/v1/accounts/relationships?id[]=${group.id}`).set("Authorization", outsider.auth);
    expect(rel.body[0]).toMatchObject({ following: false, requested: true });
  });

  it("following a vigilance group's account without its charter is refused (422): the charter is accepted in Parvis", async () => {
    const { outsider, group } = await cast(t, { kind: "vigilance", charter: "Charte" });
    const res = await t.http.post(`/api/v1/accounts/${group.id}/follow`).set("Authorization", outsider.auth);
    expect(res.status).toBe(422);
    expect(await membership(group.id, outsider.account.id)).toBeUndefined();
  });
});

describe("members and roles", () => {
  it("members are listed with their roles, newest first, paginated", async () => {
    const { admin, moderator, member, group } = await cast(t);
    const res = await t.http.get(`/api/parvis/groups/${group.id}/members?limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.map((m: { account: { id: string }; role: string }) => [m.account.id, m.role])).toEqual([
      [member.account.id, "member"],
      [moderator.account.id, "moderator"],
    ]);
    expect(res.body[0].charter_version).toBeUndefined();
    const next = await t.http.get(parseLink(res.headers.link).next!);
    expect(next.body.map((m: { account: { id: string } }) => m.account.id)).toEqual([admin.account.id]);
    const mods = await t.http.get(`/api/parvis/groups/${group.id}/members?role=moderator`);
    expect(mods.body.map((m: { account: { id: string } }) => m.account.id)).toEqual([moderator.account.id]);
  });

  it("only admins change roles; the last admin may not step down", async () => {
    const { admin, moderator, member, group } = await cast(t);
    const byMod = await t.http.patch(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", moderator.auth).send({ role: "moderator" });
    expect(byMod.status).toBe(403);
    expect((await membership(group.id, member.account.id)).role).toBe("member");
    const last = await t.http.patch(`/api/parvis/groups/${group.id}/members/${admin.account.id}`).set("Authorization", admin.auth).send({ role: "member" });
    expect(last.status).toBe(422);
    expect((await membership(group.id, admin.account.id)).role).toBe("admin");
    const promote = await t.http.patch(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", admin.auth).send({ role: "admin" });
    expect(promote.body).toMatchObject({ role: "admin" });
    const stepDown = await t.http.patch(`/api/parvis/groups/${group.id}/members/${admin.account.id}`).set("Authorization", admin.auth).send({ role: "member" });
    expect(stepDown.status).toBe(200);
    expect((await membership(group.id, admin.account.id)).role).toBe("member");
  });

  it("a moderator removes a member but not another moderator nor an admin; a member removes nobody", async () => {
    const { admin, moderator, member, outsider, group } = await cast(t);
    await join(t, outsider, group.id);
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/members/${outsider.account.id}`).set("Authorization", member.auth)).status).toBe(403);
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/members/${admin.account.id}`).set("Authorization", moderator.auth)).status).toBe(403);
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", moderator.auth)).status).toBe(200);
    expect(await membership(group.id, member.account.id)).toBeUndefined();
    expect(await membership(group.id, admin.account.id)).toBeDefined();
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/members/${moderator.account.id}`).set("Authorization", admin.auth)).status).toBe(200);
    expect((await t.http.get(`/api/v1/accounts/${group.id}`)).body.followers_count).toBe(2);
  });
});

describe("bans", () => {
  it("a ban removes the member, blocks rejoining and posting, until unbanned", async () => {
    const { moderator, member, group } = await cast(t);
    const ban = await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", moderator.auth).send({ account_id: member.account.id, reason: "spam" });
    expect(ban.status).toBe(200);
    expect(ban.body).toMatchObject({ reason: "spam", account: { id: member.account.id } });
    expect(await membership(group.id, member.account.id)).toBeUndefined();
    const rejoin = await join(t, member, group.id);
    expect(rejoin.status).toBe(403);
    expect(await membership(group.id, member.account.id)).toBeUndefined();
    const posted = await postIn(t, member, group.id, "je reviens");
    expect(posted.status).toBe(403);
    expect(await countRows(t, "statuses")).toBe(0);
    const view = await t.http.get(`/api/parvis/groups/${group.id}`).set("Authorization", member.auth);
    expect(view.body.relationship).toMatchObject({ banned: true, can_post: false });
    const list = await t.http.get(`/api/parvis/groups/${group.id}/bans`).set("Authorization", moderator.auth);
    expect(list.body.map((b: { account: { id: string } }) => b.account.id)).toEqual([member.account.id]);
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/bans/${member.account.id}`).set("Authorization", moderator.auth)).status).toBe(200);
    expect((await join(t, member, group.id)).status).toBe(200);
  });

  it("a member may not ban, a moderator may not ban an admin, nobody bans themselves", async () => {
    const { admin, moderator, member, outsider, group } = await cast(t);
    const send = (who: typeof admin, target: string) => t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", who.auth).send({ account_id: target });
    expect((await send(member, outsider.account.id)).status).toBe(403);
    expect((await send(moderator, admin.account.id)).status).toBe(403);
    expect((await send(moderator, moderator.account.id)).status).toBe(422);
    expect((await send(moderator, "123456789")).status).toBe(404);
    expect(await countRows(t, "group_bans")).toBe(0);
    // a non-member may be banned before they ever join
    expect((await send(moderator, outsider.account.id)).status).toBe(200);
    expect((await join(t, outsider, group.id)).status).toBe(403);
    expect((await t.http.get(`/api/parvis/groups/${group.id}/bans`).set("Authorization", member.auth)).status).toBe(403);
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/bans/${outsider.account.id}`).set("Authorization", member.auth)).status).toBe(403);
    expect(await db().select().from(groupBans)).toHaveLength(1);
  });
});

describe("posting in a group", () => {
  it("a member's post carries the group in its JSON and shows in the group timeline", async () => {
    const { member, group } = await cast(t);
    const res = await postIn(t, member, group.id, "Réunion jeudi");
    expect(res.status).toBe(200);
    expect(res.body.parvis_group).toEqual({ id: group.id, slug: group.slug, acct: group.slug, name: "Quartier de la Gare", url: expect.any(String), visibility: "public" });
    expect(res.body.visibility).toBe("public");
    const [row] = await db().select().from(statuses).where(eq(statuses.id, res.body.id));
    expect(row.groupId).toBe(group.id);
    const tl = await t.http.get(`/api/parvis/timelines/group/${group.id}`);
    expect(idsOf(tl.body)).toEqual([res.body.id]);
  });

  it("a non-member may not post (403) and nothing is stored", async () => {
    const { outsider, group } = await cast(t);
    const res = await postIn(t, outsider, group.id, "intrus");
    expect(res.status).toBe(403);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a pending requester may not post", async () => {
    const { admin, outsider, group } = await cast(t);
    await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ membership: "approval" });
    await join(t, outsider, group.id);
    expect((await postIn(t, outsider, group.id, "pas encore")).status).toBe(403);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("in a moderators-only group, members may not post and moderators may", async () => {
    const { moderator, member, group } = await cast(t, { posting: "moderators" });
    expect((await postIn(t, member, group.id, "annonce ?")).status).toBe(403);
    expect(await countRows(t, "statuses")).toBe(0);
    expect((await postIn(t, moderator, group.id, "Annonce officielle")).status).toBe(200);
  });

  it("a reply to a group's post is in the group; one posted from outside it is refused", async () => {
    const { member, moderator, outsider, group } = await cast(t);
    const parent = (await postIn(t, member, group.id, "question")).body;
    const reply = await t.http.post("/api/v1/statuses").set("Authorization", moderator.auth).send({ status: "réponse", in_reply_to_id: parent.id });
    expect(reply.status).toBe(200);
    expect(reply.body.parvis_group.id).toBe(group.id);
    const intruder = await t.http.post("/api/v1/statuses").set("Authorization", outsider.auth).send({ status: "moi aussi", in_reply_to_id: parent.id });
    expect(intruder.status).toBe(403);
    const outside = (await t.http.post("/api/v1/statuses").set("Authorization", member.auth).send({ status: "dehors" })).body;
    const mixed = await postIn(t, member, group.id, "dans le groupe", { in_reply_to_id: outside.id });
    expect(mixed.status).toBe(422);
  });

  it("an unknown group id is a 404 and a scheduled group post a 422, nothing stored", async () => {
    const { member, group } = await cast(t);
    expect((await postIn(t, member, "987654321", "où ?")).status).toBe(404);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await postIn(t, member, group.id, "plus tard", { scheduled_at: later })).status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
    expect(await countRows(t, "scheduled_statuses")).toBe(0);
  });

  it("a banned author may no longer edit their group post", async () => {
    const { moderator, member, group } = await cast(t);
    const post = (await postIn(t, member, group.id, "v1")).body;
    await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", moderator.auth).send({ account_id: member.account.id });
    const edit = await t.http.put(`/api/v1/statuses/${post.id}`).set("Authorization", member.auth).send({ status: "v2" });
    expect(edit.status).toBe(403);
    const [row] = await db().select().from(statuses).where(eq(statuses.id, post.id));
    expect(row.text).toBe("v1");
  });
});

describe("pins and removals", () => {
  it("a moderator pins and unpins a post; members and outsiders may not", async () => {
    const { moderator, member, outsider, group } = await cast(t);
    const post = (await postIn(t, member, group.id, "À lire")).body;
    expect((await t.http.post(`/api/parvis/groups/${group.id}/statuses/${post.id}/pin`).set("Authorization", member.auth)).status).toBe(403);
    expect((await t.http.post(`/api/parvis/groups/${group.id}/statuses/${post.id}/pin`).set("Authorization", outsider.auth)).status).toBe(403);
    expect(await countRows(t, "group_pins")).toBe(0);
    const pin = await t.http.post(`/api/parvis/groups/${group.id}/statuses/${post.id}/pin`).set("Authorization", moderator.auth);
    expect(pin.status).toBe(200);
    expect(await db().select().from(groupPins)).toMatchObject([{ groupId: group.id, statusId: post.id, pinnedById: moderator.account.id }]);
    expect(idsOf((await t.http.get(`/api/parvis/timelines/group/${group.id}?pinned=true`)).body)).toEqual([post.id]);
    await t.http.post(`/api/parvis/groups/${group.id}/statuses/${post.id}/unpin`).set("Authorization", moderator.auth);
    expect((await t.http.get(`/api/parvis/timelines/group/${group.id}?pinned=true`)).body).toEqual([]);
  });

  it("a post outside the group cannot be pinned or removed through it (404)", async () => {
    const { moderator, member, group } = await cast(t);
    const outside = (await t.http.post("/api/v1/statuses").set("Authorization", member.auth).send({ status: "ailleurs" })).body;
    expect((await t.http.post(`/api/parvis/groups/${group.id}/statuses/${outside.id}/pin`).set("Authorization", moderator.auth)).status).toBe(404);
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/statuses/${outside.id}`).set("Authorization", moderator.auth)).status).toBe(404);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("a moderator removes a post: it is deleted, and who removed it and why is recorded", async () => {
    const { moderator, member, group } = await cast(t);
    const post = (await postIn(t, member, group.id, "hors sujet")).body;
    expect((await t.http.delete(`/api/parvis/groups/${group.id}/statuses/${post.id}`).set("Authorization", member.auth).send({})).status).toBe(403);
    const res = await t.http.delete(`/api/parvis/groups/${group.id}/statuses/${post.id}`).set("Authorization", moderator.auth).send({ reason: "Hors sujet" });
    expect(res.status).toBe(200);
    expect(await countRows(t, "statuses")).toBe(0);
    expect(await db().select().from(groupRemovals)).toMatchObject([
      { groupId: group.id, statusId: post.id, authorId: member.account.id, removedById: moderator.account.id, reason: "Hors sujet" },
    ]);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).status).toBe(404);
  });
});
