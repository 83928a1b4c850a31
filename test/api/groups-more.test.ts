// Groups, the rest of issue 11's local half: a group's avatar and header, deleting a
// group (its admins, or the instance's staff through the moderation log), the
// notifications of join requests, approvals and promotions, and posting into a
// group by mentioning it.
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { accounts, groupMemberships, groups, moderationLog, notifications, statuses } from "../../server/db/schema";
import { countRows } from "../helpers/api";
import { expectError, mediaFiles, pngBytes } from "../helpers/accounts-suite";
import { createResident } from "../helpers/factories";
import { cast, join, makeGroup, postIn } from "../helpers/groups";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const db = () => t.services.db;

/** A JPEG carrying EXIF text, to see that the stored copy is re-encoded without it. */
async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366cc" } })
    .jpeg()
    .withExif({ IFD0: { Copyright: "secret-gps-place" } })
    .toBuffer();
}

async function groupAccount(id: string) {
  const [row] = await db().select().from(accounts).where(eq(accounts.id, id));
  return row;
}

describe("a group's avatar and header", () => {
  it("a group admin uploads both (multipart); they are re-encoded, served, and shown in the group's account view", async () => {
    const { admin, group } = await cast(t);
    const jpeg = await jpegWithExif();
    expect(jpeg.includes(Buffer.from("secret-gps-place"))).toBe(true);
    const res = await t.http
      .patch(`/api/parvis/groups/${group.id}`)
      .set("Authorization", admin.auth)
      .field("name", "Gare et alentours")
      .attach("avatar", jpeg, { filename: "a.jpg", contentType: "image/jpeg" })
      .attach("header", pngBytes(), { filename: "h.png", contentType: "image/png" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.name).toBe("Gare et alentours");
    expect(res.body.account.avatar).toMatch(new RegExp(`^${t.config.origin}/media/\\d+\\.jpg$`));
    expect(res.body.account.header).toMatch(new RegExp(`^${t.config.origin}/media/\\d+\\.png$`));
    const served = await t.http.get(new URL(res.body.account.avatar).pathname).buffer(true);
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/jpeg");
    expect((served.body as Buffer).includes(Buffer.from("secret-gps-place"))).toBe(false);
    const row = await groupAccount(group.id);
    expect(row.avatarUrl).toMatch(/^\d+\.jpg$/);
    expect(row.headerUrl).toMatch(/^\d+\.png$/);
    // the Mastodon view and the directory show it too
    expect((await t.http.get(`/api/v1/accounts/${group.id}`)).body.avatar).toBe(res.body.account.avatar);
    const directory = await t.http.get("/api/parvis/groups");
    expect(directory.body.find((g: { id: string }) => g.id === group.id).account.avatar).toBe(res.body.account.avatar);
  });

  it("a new avatar replaces the old file", async () => {
    const { admin, group } = await cast(t);
    const first = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).attach("avatar", pngBytes(), "a.png");
    const oldFile = (await groupAccount(group.id)).avatarUrl!;
    expect(first.status).toBe(200);
    expect(mediaFiles(t)).toContain(oldFile);
    const second = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).attach("avatar", pngBytes(), "b.png");
    expect(second.status).toBe(200);
    expect(mediaFiles(t)).not.toContain(oldFile);
    expect(mediaFiles(t)).toContain((await groupAccount(group.id)).avatarUrl);
  });

  it("members, moderators, outsiders and the banned may not (403); without a token 401; nothing stored", async () => {
    const { admin, moderator, member, outsider, group } = await cast(t);
    const banned = await createResident(t, "banni");
    await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", admin.auth).send({ account_id: banned.account.id });
    const before = mediaFiles(t);
    for (const who of [moderator, member, outsider, banned]) {
      const res = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", who.auth).attach("avatar", pngBytes(), "a.png");
      expectError(res, 403);
    }
    expectError(await t.http.patch(`/api/parvis/groups/${group.id}`).attach("avatar", pngBytes(), "a.png"), 401);
    expect(mediaFiles(t)).toEqual(before);
    expect((await groupAccount(group.id)).avatarUrl).toBeNull();
  });

  it("instance moderators may change a group's avatar (they act as every local group's admins)", async () => {
    const { group } = await cast(t);
    const mod = await createResident(t, "instmod", { role: "moderator" });
    const res = await t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", mod.auth).attach("avatar", pngBytes(), "a.png");
    expect(res.status).toBe(200);
    expect((await groupAccount(group.id)).avatarUrl).not.toBeNull();
  });

  it("bad input is 422 (or 400 for a broken body) and stores nothing: not an image, a truncated image, too large, an invalid field, an unknown field, an unknown group", async () => {
    const { admin, group } = await cast(t);
    const before = mediaFiles(t);
    const cases = [
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).attach("avatar", Buffer.from("#!/bin/sh\necho pwned; rm -rf /\n"), "evil.png"),
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).attach("header", pngBytes().subarray(0, 40), "cut.png"),
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).attach("avatar", Buffer.concat([pngBytes(), Buffer.alloc(8 * 1024 * 1024)]), "big.png"),
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).field("name", " ").attach("avatar", pngBytes(), "a.png"),
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).field("visibility", "secret").attach("avatar", pngBytes(), "a.png"),
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).field("avatar_url", "/etc/passwd"),
      t.http.patch(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).attach("photo", pngBytes(), "a.png"),
    ];
    for (const pending of cases) {
      const res = await pending;
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
    const broken = await t.http
      .patch(`/api/parvis/groups/${group.id}`)
      .set("Authorization", admin.auth)
      .set("Content-Type", "multipart/form-data; boundary=xyz")
      .send("--xyz\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n\r\n\u0089PNG");
    expect(broken.status).toBe(400);
    expectError(await t.http.patch("/api/parvis/groups/999999999").set("Authorization", admin.auth).attach("avatar", pngBytes(), "a.png"), 404);
    expect(mediaFiles(t)).toEqual(before);
    const row = await groupAccount(group.id);
    expect([row.avatarUrl, row.headerUrl, row.displayName]).toEqual([null, null, "Quartier de la Gare"]);
  });
});

describe("deleting a group", () => {
  it("its admin deletes it: its posts go with it, its members and bans too, it leaves the directory and answers 404; the slug stays taken", async () => {
    const { admin, member, outsider, group } = await cast(t);
    const post = await postIn(t, member, group.id, "Réunion jeudi");
    expect(post.status).toBe(200);
    const outside = await t.http.post("/api/v1/statuses").set("Authorization", member.auth).send({ status: "Hors du groupe" });
    await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", admin.auth).send({ account_id: outsider.account.id });
    const deleted: unknown[] = [];
    t.services.events.on("group.deleted", (e) => void deleted.push(e));
    const res = await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({});
    expect(await db().select().from(statuses).where(eq(statuses.id, post.body.id))).toEqual([]);
    expect(await db().select().from(statuses).where(eq(statuses.id, outside.body.id))).toHaveLength(1);
    expect(await db().select().from(groupMemberships).where(eq(groupMemberships.groupId, group.id))).toEqual([]);
    expect(await countRows(t, "group_bans")).toBe(0);
    expect((await groupAccount(group.id)).suspendedAt).not.toBeNull();
    expect(deleted).toEqual([{ groupId: group.id, uri: `${t.config.origin}/groups/${group.slug}`, memberInboxes: [] }]);
    expect((await t.http.get(`/api/parvis/groups/${group.id}`)).status).toBe(404);
    expect((await t.http.get("/api/parvis/groups")).body.map((g: { id: string }) => g.id)).not.toContain(group.id);
    expect((await t.http.get(`/api/v1/statuses/${post.body.id}`)).status).toBe(404);
    // a group admin's own decision is not a moderation of the instance: no log entry
    expect(await countRows(t, "moderation_log")).toBe(0);
    const again = await t.http.post("/api/parvis/groups").set("Authorization", admin.auth).send({ slug: group.slug, name: "x", kind: "topic" });
    expectError(again, 422, /taken/);
  });

  it("moderators, members, outsiders and the banned may not (403), nor anyone without a token (401): nothing changes", async () => {
    const { admin, moderator, member, outsider, group } = await cast(t);
    const banned = await createResident(t, "banni");
    await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", admin.auth).send({ account_id: banned.account.id });
    await postIn(t, member, group.id, "Réunion jeudi");
    for (const who of [moderator, member, outsider, banned]) expectError(await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", who.auth), 403);
    expectError(await t.http.delete(`/api/parvis/groups/${group.id}`), 401);
    expect((await groupAccount(group.id)).suspendedAt).toBeNull();
    expect(await countRows(t, "group_memberships")).toBe(3);
    expect((await db().select().from(statuses).where(eq(statuses.groupId, group.id))).length).toBe(1);
  });

  it("an instance moderator deletes it through the moderation log, with the public reason", async () => {
    const { group } = await cast(t);
    const mod = await createResident(t, "instmod", { role: "moderator" });
    const res = await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", mod.auth).send({ reason: "Appels à la haine répétés" });
    expect(res.status).toBe(200);
    const log = await db().select().from(moderationLog);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: "group_deleted", targetType: "group", targetId: group.id, actorRole: "moderator", publicReason: "Appels à la haine répétés" });
    const pub = await t.http.get("/api/parvis/moderation_log");
    if (pub.status === 200) expect(JSON.stringify(pub.body)).toContain("group_deleted");
  });

  it("bad input is refused and deletes nothing: unknown id 404, malformed id 404, an over-long reason or unknown field 422, malformed JSON 400", async () => {
    const { admin, group } = await cast(t);
    expectError(await t.http.delete("/api/parvis/groups/999999999").set("Authorization", admin.auth), 404);
    expectError(await t.http.delete("/api/parvis/groups/1%27%20or%201=1--").set("Authorization", admin.auth), 404);
    expectError(await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ reason: "x".repeat(20_000) }), 422);
    expectError(await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ reason: 42 }), 422);
    expectError(await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).send({ cascade: true }), 422);
    const malformed = await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth).set("Content-Type", "application/json").send("{\"reason\":");
    expect(malformed.status).toBe(400);
    // a resident's account is not a group
    expectError(await t.http.delete(`/api/parvis/groups/${admin.account.id}`).set("Authorization", admin.auth), 404);
    expect((await groupAccount(group.id)).suspendedAt).toBeNull();
    expect(await db().select().from(groups).where(eq(groups.accountId, group.id))).toHaveLength(1);
  });
});

async function notificationsOf(who: { auth: string }) {
  const res = await t.http.get("/api/v1/notifications").set("Authorization", who.auth);
  expect(res.status).toBe(200);
  return res.body as { type: string; account: { id: string }; parvis_group?: { id: string; slug: string; name: string } | null }[];
}

/** cast, then the group asks for approval from here on */
async function approvalCast() {
  const c = await cast(t);
  const res = await t.http.patch(`/api/parvis/groups/${c.group.id}`).set("Authorization", c.admin.auth).send({ membership: "approval" });
  expect(res.status).toBe(200);
  return c;
}

describe("group notifications", () => {
  it("a join request notifies the group's admins and moderators (parvis.group_request, with the group), not its members", async () => {
    const { admin, moderator, member, group } = await approvalCast();
    const asker = await createResident(t, "asker");
    expect((await join(t, asker, group.id)).body.relationship.state).toBe("pending");
    for (const who of [admin, moderator]) {
      const list = await notificationsOf(who);
      const n = list.find((x) => x.type === "parvis.group_request");
      expect(n, JSON.stringify(list)).toMatchObject({ account: { id: asker.account.id }, parvis_group: { id: group.id, slug: group.slug, name: group.name } });
    }
    expect((await notificationsOf(member)).filter((x) => x.type === "parvis.group_request")).toEqual([]);
    // Mastodon's filters name the type
    const only = await t.http.get("/api/v1/notifications").query({ "types[]": "parvis.group_request" }).set("Authorization", admin.auth);
    expect(only.body.map((n: { type: string }) => n.type)).toEqual(["parvis.group_request"]);
  });

  it("an open group's join notifies nobody; a rejected request nothing to the requester", async () => {
    const { admin, group } = await cast(t);
    const joiner = await createResident(t, "joiner");
    await join(t, joiner, group.id);
    expect((await notificationsOf(admin)).filter((x) => x.type.startsWith("parvis."))).toEqual([]);
  });

  it("approval notifies the requester (parvis.group_approved, from the group)", async () => {
    const { moderator, group } = await approvalCast();
    const asker = await createResident(t, "asker");
    await join(t, asker, group.id);
    const res = await t.http.post(`/api/parvis/groups/${group.id}/requests/${asker.account.id}/approve`).set("Authorization", moderator.auth);
    expect(res.status).toBe(200);
    const list = await notificationsOf(asker);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: "parvis.group_approved", account: { id: group.id }, parvis_group: { id: group.id } });
  });

  it("promotion to moderator notifies the member; a demotion does not", async () => {
    const { admin, member, group } = await cast(t);
    await t.http.patch(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", admin.auth).send({ role: "moderator" });
    await t.http.patch(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", admin.auth).send({ role: "member" });
    const list = await notificationsOf(member);
    expect(list.map((n) => n.type)).toEqual(["parvis.group_promoted"]);
    expect(list[0].parvis_group).toMatchObject({ id: group.id });
  });

  it("a refused promotion (a moderator asking, a bad role) notifies nobody", async () => {
    const { moderator, member, group } = await cast(t);
    expectError(await t.http.patch(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", moderator.auth).send({ role: "admin" }), 403);
    expectError(await t.http.patch(`/api/parvis/groups/${group.id}/members/${member.account.id}`).set("Authorization", moderator.auth).send({ role: "boss" }), 422);
    expect(await notificationsOf(member)).toEqual([]);
  });

  it("deleting the group takes its notifications away", async () => {
    const { admin, group } = await approvalCast();
    const asker = await createResident(t, "asker");
    await join(t, asker, group.id);
    expect(await countRows(t, "notifications")).toBeGreaterThan(0);
    await t.http.delete(`/api/parvis/groups/${group.id}`).set("Authorization", admin.auth);
    expect(await db().select().from(notifications).where(eq(notifications.parvisGroupId, group.id))).toEqual([]);
  });
});

describe("posting into a group by mentioning it", () => {
  it("a member's public post mentioning @slug is posted in the group, and shows on its timeline", async () => {
    const { member, group } = await cast(t);
    const res = await t.http.post("/api/v1/statuses").set("Authorization", member.auth).send({ status: `@${group.slug} la réunion est jeudi` });
    expect(res.status).toBe(200);
    expect(res.body.parvis_group).toMatchObject({ id: group.id });
    const [row] = await db().select().from(statuses).where(eq(statuses.id, res.body.id));
    expect(row.groupId).toBe(group.id);
    const timeline = await t.http.get(`/api/parvis/timelines/group/${group.id}`);
    expect(timeline.body.map((s: { id: string }) => s.id)).toContain(res.body.id);
  });

  it("in a members-only group, the post takes the group's audience (private)", async () => {
    const { member, group } = await cast(t, { visibility: "members" });
    const res = await t.http.post("/api/v1/statuses").set("Authorization", member.auth).send({ status: `Bonjour @${group.slug}`, visibility: "public" });
    expect(res.body).toMatchObject({ visibility: "private", parvis_group: { id: group.id } });
  });

  it("stays an ordinary post: from an outsider, a banned member, a direct message, a followers-only post to a public group, a reply outside groups, a moderators-only group", async () => {
    const { admin, member, outsider, group } = await cast(t);
    const channel = await makeGroup(t, admin, { posting: "moderators" });
    await join(t, member, channel.id);
    const banned = await createResident(t, "banni");
    await join(t, banned, group.id);
    await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", admin.auth).send({ account_id: banned.account.id });
    const parent = await t.http.post("/api/v1/statuses").set("Authorization", outsider.auth).send({ status: "Une question" });
    const tries = [
      { who: outsider, body: { status: `@${group.slug} bonjour` } },
      { who: banned, body: { status: `@${group.slug} bonjour` } },
      { who: member, body: { status: `@${group.slug} en privé`, visibility: "direct" } },
      { who: member, body: { status: `@${group.slug} abonnés`, visibility: "private" } },
      { who: member, body: { status: `@${group.slug} réponse`, in_reply_to_id: parent.body.id } },
      { who: member, body: { status: `@${channel.slug} bonjour` } },
    ];
    for (const { who, body } of tries) {
      const res = await t.http.post("/api/v1/statuses").set("Authorization", who.auth).send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.parvis_group ?? null).toBeNull();
    }
    expect(await db().select().from(statuses).where(and(eq(statuses.groupId, group.id)))).toEqual([]);
  });
});
