// Members-only groups: their posts are read by their members and by nobody else,
// through every read path — single reads, timelines, profiles, threads, search,
// trends, notifications, interactions, polls and the live audience. The outsider
// here follows the author and is mentioned in the post: both ways in that a
// followers-only post would give must give nothing.
import { describe, expect, it } from "vitest";
import { follow } from "../../server/domain/follows";
import { homeAudience } from "../../server/domain/timelines";
import { eq } from "drizzle-orm";
import { notifications } from "../../server/db/schema";
import { idsOf } from "../helpers/api";
import { createResident } from "../helpers/factories";
import { cast, postIn } from "../helpers/groups";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));

async function setup() {
  const c = await cast(t, { visibility: "members" });
  await follow(t.services.domain, c.outsider.account, c.member.account);
  const res = await postIn(t, c.member, c.group.id, `Compte rendu secret #vigiecam @${c.outsider.account.username} motunique`, {
    poll: { options: ["oui", "non"], expires_in: 3600 },
  });
  expect(res.status).toBe(200);
  const post = res.body as { id: string; visibility: string; poll: { id: string } };
  const reply = (await t.http.post("/api/v1/statuses").set("Authorization", c.moderator.auth).send({ status: "suite", in_reply_to_id: post.id })).body as { id: string };
  await t.http.post(`/api/v1/statuses/${post.id}/favourite`).set("Authorization", c.moderator.auth);
  return { ...c, post, reply };
}

/** GETs with the outsider's token and without any. */
async function asOutsiderAndVisitor(auth: string, path: string) {
  return [await t.http.get(path).set("Authorization", auth), await t.http.get(path)];
}

describe("a members-only group's posts", () => {
  it("are stored as private posts of the group", async () => {
    const { post } = await setup();
    expect(post.visibility).toBe("private");
  });

  it("are not readable one by one by a non-member or a visitor (404)", async () => {
    const { outsider, post } = await setup();
    for (const path of [
      `/api/v1/statuses/${post.id}`,
      `/api/v1/statuses/${post.id}/context`,
      `/api/v1/statuses/${post.id}/history`,
      `/api/v1/statuses/${post.id}/favourited_by`,
      `/api/v1/statuses/${post.id}/reblogged_by`,
      `/api/v1/polls/${post.poll.id}`,
    ]) {
      for (const res of await asOutsiderAndVisitor(outsider.auth, path)) expect(res.status, path).toBe(404);
    }
    expect((await t.http.get(`/api/v1/statuses/${post.id}/source`).set("Authorization", outsider.auth)).status).toBe(404);
    for (const res of await asOutsiderAndVisitor(outsider.auth, `/api/v1/statuses?id[]=${post.id}`)) expect(res.body).toEqual([]);
  });

  it("are in no timeline of a non-member: home (though they follow the author), public, local, hashtag, profile", async () => {
    const { outsider, member, post, reply } = await setup();
    const ids = [post.id, reply.id];
    for (const path of [
      "/api/v1/timelines/home",
      "/api/v1/timelines/public",
      "/api/v1/timelines/public?local=true",
      "/api/v1/timelines/tag/vigiecam",
      `/api/v1/accounts/${member.account.id}/statuses`,
    ]) {
      const res = await t.http.get(path).set("Authorization", outsider.auth);
      expect(res.status, path).toBe(200);
      for (const id of ids) expect(idsOf(res.body), path).not.toContain(id);
    }
    for (const path of ["/api/v1/timelines/public", "/api/v1/timelines/tag/vigiecam", `/api/v1/accounts/${member.account.id}/statuses`]) {
      for (const id of ids) expect(idsOf((await t.http.get(path)).body)).not.toContain(id);
    }
  });

  it("are not in the group timeline, its pins or its members list for a non-member (403)", async () => {
    const { outsider, moderator, group, post } = await setup();
    await t.http.post(`/api/parvis/groups/${group.id}/statuses/${post.id}/pin`).set("Authorization", moderator.auth);
    for (const path of [`/api/parvis/timelines/group/${group.id}`, `/api/parvis/timelines/group/${group.id}?pinned=true`, `/api/parvis/groups/${group.id}/members`]) {
      for (const res of await asOutsiderAndVisitor(outsider.auth, path)) {
        expect(res.status, path).toBe(403);
        expect(res.body.error).toBeTruthy();
      }
    }
  });

  it("are not found by search, nor in trends", async () => {
    const { outsider, post } = await setup();
    const search = await t.http.get("/api/v2/search?q=motunique&type=statuses").set("Authorization", outsider.auth);
    expect(search.status).toBe(200);
    expect(idsOf(search.body.statuses)).not.toContain(post.id);
    const trends = await t.http.get("/api/v1/trends/statuses");
    expect(idsOf(trends.body)).not.toContain(post.id);
    const tags = await t.http.get("/api/v1/trends/tags");
    expect(tags.body.map((x: { name: string }) => x.name)).not.toContain("vigiecam");
  });

  it("give a mentioned non-member no notification (nothing stored that a push could carry), and a mentioned member one", async () => {
    const { outsider, admin, member, group } = await setup();
    const res = await t.http.get("/api/v1/notifications").set("Authorization", outsider.auth);
    expect(res.body.filter((n: { type: string }) => n.type === "mention")).toEqual([]);
    const stored = await t.services.db.select().from(notifications).where(eq(notifications.accountId, outsider.account.id));
    expect(stored).toEqual([]);
    const post = await postIn(t, member, group.id, `@${admin.account.username} @${outsider.account.username} à lire`);
    const mine = await t.http.get("/api/v1/notifications?types[]=mention").set("Authorization", admin.auth);
    expect(idsOf(mine.body.map((n: { status: { id: string } }) => n.status))).toEqual([post.body.id]);
    expect((await t.http.get("/api/v1/notifications?types[]=mention").set("Authorization", outsider.auth)).body).toEqual([]);
  });

  it("cannot be favourited, bookmarked, reblogged or answered by a non-member, nor reblogged by their author", async () => {
    const { outsider, member, post } = await setup();
    for (const action of ["favourite", "bookmark", "reblog"]) {
      expect((await t.http.post(`/api/v1/statuses/${post.id}/${action}`).set("Authorization", outsider.auth)).status, action).toBe(404);
    }
    expect((await t.http.post("/api/v1/statuses").set("Authorization", outsider.auth).send({ status: "hop", in_reply_to_id: post.id })).status).toBe(404);
    expect((await t.http.post(`/api/v1/statuses/${post.id}/reblog`).set("Authorization", member.auth)).status).toBe(403);
  });

  it("are pushed live to members only", async () => {
    const { admin, moderator, member, outsider, post } = await setup();
    const audience = await homeAudience(t.services.domain, post.id);
    expect(audience.sort()).toEqual([admin.account.id, moderator.account.id, member.account.id].sort());
    expect(audience).not.toContain(outsider.account.id);
  });

  it("are read by members everywhere: the status, its thread, their home and the group timeline", async () => {
    const { admin, group, post, reply } = await setup();
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", admin.auth)).status).toBe(200);
    const context = await t.http.get(`/api/v1/statuses/${post.id}/context`).set("Authorization", admin.auth);
    expect(idsOf(context.body.descendants)).toEqual([reply.id]);
    expect(idsOf((await t.http.get("/api/v1/timelines/home").set("Authorization", admin.auth)).body)).toEqual([reply.id, post.id]);
    expect(idsOf((await t.http.get(`/api/parvis/timelines/group/${group.id}`).set("Authorization", admin.auth)).body)).toEqual([reply.id, post.id]);
  });

  it("are no longer readable by someone who left or was banned", async () => {
    const { moderator, member, admin, group, post } = await setup();
    const other = await createResident(t, "other");
    await t.http.post(`/api/parvis/groups/${group.id}/join`).set("Authorization", other.auth);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", other.auth)).status).toBe(200);
    await t.http.post(`/api/parvis/groups/${group.id}/leave`).set("Authorization", other.auth);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", other.auth)).status).toBe(404);
    await t.http.post(`/api/parvis/groups/${group.id}/bans`).set("Authorization", admin.auth).send({ account_id: moderator.account.id });
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", moderator.auth)).status).toBe(404);
    // the author keeps reading what they wrote
    expect((await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", member.auth)).status).toBe(200);
  });
});

describe("a public group's posts", () => {
  it("are public: in the public and hashtag timelines, and readable by anyone", async () => {
    const { member, group } = await cast(t);
    const post = (await postIn(t, member, group.id, "Fête de quartier #gare")).body;
    expect(post.visibility).toBe("public");
    expect(idsOf((await t.http.get("/api/v1/timelines/public")).body)).toContain(post.id);
    expect(idsOf((await t.http.get("/api/v1/timelines/tag/gare")).body)).toContain(post.id);
    expect(idsOf((await t.http.get(`/api/parvis/timelines/group/${group.id}`)).body)).toEqual([post.id]);
    expect((await t.http.get(`/api/v1/statuses/${post.id}`)).body.parvis_group.id).toBe(group.id);
  });

  it("are in the home timeline of the group's members", async () => {
    const { admin, member, group } = await cast(t);
    const post = (await postIn(t, member, group.id, "Bonjour le quartier")).body;
    expect(idsOf((await t.http.get("/api/v1/timelines/home").set("Authorization", admin.auth)).body)).toContain(post.id);
  });
});
