import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { issueToken } from "../../server/auth/tokens";
import { notifications } from "../../server/db/schema";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { parseLink } from "../helpers/api";

let t: TestInstance;
useTestInstance((x) => (t = x));

const bucketNow = () => Math.floor(Date.now() / 3_600_000);

async function favourite(by: Resident, statusId: string) {
  const res = await t.http.post(`/api/v1/statuses/${statusId}/favourite`).set("Authorization", by.auth);
  expect(res.status).toBe(200);
}

async function followAccount(by: Resident, target: Resident) {
  const res = await t.http.post(`/api/v1/accounts/${target.account.id}/follow`).set("Authorization", by.auth);
  expect(res.status).toBe(200);
}

async function grouped(who: Resident, query = "") {
  const res = await t.http.get(`/api/v2/notifications${query}`).set("Authorization", who.auth);
  expect(res.status).toBe(200);
  return res;
}

/** alice's post favourited by three, alice followed by two, alice mentioned once. */
async function scene() {
  const alice = await createResident(t, "alice");
  const others = await Promise.all(["bob", "carol", "dave"].map((n) => createResident(t, n)));
  const post = await createPost(t, alice, "our square");
  for (const r of others) await favourite(r, post.id);
  await followAccount(others[0], alice);
  await followAccount(others[1], alice);
  const mention = await createPost(t, others[2], "hello @alice");
  return { alice, others, post, mention };
}

describe("GET /api/v2/notifications", () => {
  it("folds favourites of one status and follows into groups, mentions stay on their own", async () => {
    const { alice, others, post, mention } = await scene();
    const res = await grouped(alice);
    const groups = res.body.notification_groups as Array<Record<string, unknown>>;
    expect(groups.map((g) => [g.type, g.notifications_count])).toEqual([
      ["mention", 1],
      ["follow", 2],
      ["favourite", 3],
    ]);
    const [m, f, fav] = groups;
    expect(m.group_key).toMatch(/^ungrouped-\d+$/);
    expect(m.status_id).toBe(mention.id);
    expect(f.group_key).toBe(`follow-${bucketNow()}`);
    expect(f.sample_account_ids).toEqual([others[1].account.id, others[0].account.id]);
    expect(fav.group_key).toBe(`favourite-${post.id}-${bucketNow()}`);
    expect(fav.status_id).toBe(post.id);
    expect(fav.sample_account_ids).toEqual([others[2].account.id, others[1].account.id, others[0].account.id]);
    // as Mastodon: the page reaches down to the latest notification of its last group
    expect(fav.page_min_id).toBe(fav.page_max_id);
    expect(BigInt(f.page_min_id as string) < BigInt(f.page_max_id as string)).toBe(true);
    expect(fav.most_recent_notification_id).toBe(fav.page_max_id);
    expect(typeof fav.latest_page_notification_at).toBe("string");
    expect((res.body.accounts as { id: string }[]).map((a) => a.id).sort()).toEqual(others.map((o) => o.account.id).sort());
    expect((res.body.statuses as { id: string }[]).map((s) => s.id).sort()).toEqual([post.id, mention.id].sort());
  });

  it("a type left out of grouped_types is not grouped", async () => {
    const { alice } = await scene();
    const res = await grouped(alice, "?grouped_types[]=follow");
    const types = (res.body.notification_groups as { type: string; group_key: string }[]).map((g) => [g.type, g.group_key.split("-")[0]]);
    expect(types).toEqual([
      ["mention", "ungrouped"],
      ["follow", "follow"],
      ["favourite", "ungrouped"],
      ["favourite", "ungrouped"],
      ["favourite", "ungrouped"],
    ]);
  });

  it("types[], exclude_types[] and account_id narrow the groups", async () => {
    const { alice, others } = await scene();
    const onlyFollows = await grouped(alice, "?types[]=follow");
    expect((onlyFollows.body.notification_groups as { type: string }[]).map((g) => g.type)).toEqual(["follow"]);
    const noFavourites = await grouped(alice, "?exclude_types[]=favourite&exclude_types[]=mention");
    expect((noFavourites.body.notification_groups as { type: string }[]).map((g) => g.type)).toEqual(["follow"]);
    const fromDave = await grouped(alice, `?account_id=${others[2].account.id}`);
    expect((fromDave.body.notification_groups as { type: string; notifications_count: number }[]).map((g) => [g.type, g.notifications_count])).toEqual([
      ["mention", 1],
      ["favourite", 1],
    ]);
    const unknownType = await grouped(alice, "?types[]=%3Cscript%3E");
    expect(unknownType.body).toEqual({ accounts: [], statuses: [], notification_groups: [] });
  });

  it("pages by group with a Link header; a group's older part comes on the next page under the same key", async () => {
    const { alice } = await scene();
    const first = await grouped(alice, "?limit=2");
    expect((first.body.notification_groups as { type: string }[]).map((g) => g.type)).toEqual(["mention", "follow"]);
    const next = parseLink(first.headers.link).next;
    expect(next).toBeDefined();
    const second = await t.http.get(next!).set("Authorization", alice.auth);
    const page2 = second.body.notification_groups as { type: string; group_key: string; notifications_count: number }[];
    expect(page2.map((g) => [g.type, g.notifications_count])).toEqual([
      ["follow", 1],
      ["favourite", 3],
    ]);
    expect(page2[0].group_key).toBe(first.body.notification_groups[1].group_key);
    const third = await t.http.get(parseLink(second.headers.link).next!).set("Authorization", alice.auth);
    expect((third.body.notification_groups as { type: string; notifications_count: number }[]).map((g) => [g.type, g.notifications_count])).toEqual([["favourite", 2]]);
    expect(parseLink(third.headers.link).next).toBeUndefined();
    const prev = parseLink(third.headers.link).prev!;
    // the groups just above the third page
    const back = await t.http.get(prev).set("Authorization", alice.auth);
    expect((back.body.notification_groups as { type: string }[]).map((g) => g.type)).toEqual(["follow", "favourite"]);
  });

  it("a favourite more than twelve hours after the group began starts a new group", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const post = await createPost(t, alice, "a long day");
    await favourite(bob, post.id);
    // the first group began thirteen hours ago
    const old = `favourite-${post.id}-${bucketNow() - 13}`;
    await t.services.db.update(notifications).set({ groupKey: old }).where(eq(notifications.accountId, alice.account.id));
    await favourite(carol, post.id);
    const res = await grouped(alice);
    expect((res.body.notification_groups as { group_key: string }[]).map((g) => g.group_key)).toEqual([`favourite-${post.id}-${bucketNow()}`, old]);
  });

  it("a favourite within the span joins the group that began earlier", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const post = await createPost(t, alice, "a long day");
    await favourite(bob, post.id);
    const earlier = `favourite-${post.id}-${bucketNow() - 11}`;
    await t.services.db.update(notifications).set({ groupKey: earlier }).where(eq(notifications.accountId, alice.account.id));
    await favourite(carol, post.id);
    const res = await grouped(alice);
    expect((res.body.notification_groups as { group_key: string; notifications_count: number }[]).map((g) => [g.group_key, g.notifications_count])).toEqual([
      [earlier, 2],
    ]);
  });

  it("v1 notifications carry the same group_key", async () => {
    const { alice, post } = await scene();
    const res = await t.http.get("/api/v1/notifications?types[]=favourite").set("Authorization", alice.auth);
    expect(new Set((res.body as { group_key: string }[]).map((n) => n.group_key))).toEqual(new Set([`favourite-${post.id}-${bucketNow()}`]));
  });

  it("needs a token with read:notifications", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.get("/api/v2/notifications")).status).toBe(401);
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id, scopes: "write" });
    const res = await t.http.get("/api/v2/notifications").set("Authorization", `Bearer ${accessToken}`);
    expect(res.status).toBe(403);
  });

  it("bad paging values are ignored rather than failing", async () => {
    const { alice } = await scene();
    const res = await grouped(alice, "?limit=abc&max_id=%27%3B--&expand_accounts=full");
    expect((res.body.notification_groups as unknown[]).length).toBe(3);
    // as Mastodon: grouped_types naming no groupable type groups nothing
    const none = await grouped(alice, "?grouped_types[]=nonsense");
    expect((none.body.notification_groups as unknown[]).length).toBe(6);
    const bad = await t.http.get("/api/v2/notifications?expand_accounts=everything").set("Authorization", alice.auth);
    expect(bad.status).toBe(422);
  });
});

describe("one group", () => {
  it("GET /api/v2/notifications/:group_key returns it, with its accounts", async () => {
    const { alice, post, others } = await scene();
    const key = `favourite-${post.id}-${bucketNow()}`;
    const res = await t.http.get(`/api/v2/notifications/${key}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.notification_groups).toHaveLength(1);
    expect(res.body.notification_groups[0]).toMatchObject({ group_key: key, notifications_count: 3, type: "favourite", status_id: post.id });
    const accounts = await t.http.get(`/api/v2/notifications/${key}/accounts`).set("Authorization", alice.auth);
    expect((accounts.body as { id: string }[]).map((a) => a.id)).toEqual([others[2], others[1], others[0]].map((o) => o.account.id));
  });

  it("another resident's group, an unknown key or an injection string is a 404", async () => {
    const { post, others } = await scene();
    const key = `favourite-${post.id}-${bucketNow()}`;
    for (const path of [key, "favourite-1-1", "ungrouped-99999", "x'%3B%20drop%20table%20notifications%3B--"]) {
      const res = await t.http.get(`/api/v2/notifications/${path}`).set("Authorization", others[0].auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: expect.any(String) });
      const accounts = await t.http.get(`/api/v2/notifications/${path}/accounts`).set("Authorization", others[0].auth);
      expect(accounts.status).toBe(404);
    }
    expect((await t.http.post(`/api/v2/notifications/${key}/dismiss`)).status).toBe(401);
    expect((await t.http.get(`/api/v2/notifications/${key}`)).status).toBe(401);
  });

  it("dismissing a group removes all of its notifications, and only them", async () => {
    const { alice, post } = await scene();
    const key = `favourite-${post.id}-${bucketNow()}`;
    const res = await t.http.post(`/api/v2/notifications/${key}/dismiss`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const left = await t.services.db.select({ type: notifications.type }).from(notifications).where(eq(notifications.accountId, alice.account.id));
    expect(left.map((n) => n.type).sort()).toEqual(["follow", "follow", "mention"]);
    const again = await t.http.post(`/api/v2/notifications/${key}/dismiss`).set("Authorization", alice.auth);
    expect(again.status).toBe(404);
  });

  it("another resident cannot dismiss someone's group", async () => {
    const { alice, post, others } = await scene();
    const key = `favourite-${post.id}-${bucketNow()}`;
    const res = await t.http.post(`/api/v2/notifications/${key}/dismiss`).set("Authorization", others[0].auth);
    expect(res.status).toBe(404);
    const kept = await t.services.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.accountId, alice.account.id), eq(notifications.groupKey, key)));
    expect(kept).toHaveLength(3);
  });

  it("an ungrouped notification is dismissed by its ungrouped key", async () => {
    const { alice } = await scene();
    const res = await grouped(alice, "?types[]=mention");
    const key = res.body.notification_groups[0].group_key as string;
    expect((await t.http.post(`/api/v2/notifications/${key}/dismiss`).set("Authorization", alice.auth)).status).toBe(200);
    expect((await grouped(alice, "?types[]=mention")).body.notification_groups).toEqual([]);
  });
});

describe("unread count and policy", () => {
  it("unread_count counts groups, up to limit", async () => {
    const { alice } = await scene();
    const res = await t.http.get("/api/v2/notifications/unread_count").set("Authorization", alice.auth);
    expect(res.body).toEqual({ count: 3 });
    const capped = await t.http.get("/api/v2/notifications/unread_count?limit=2").set("Authorization", alice.auth);
    expect(capped.body).toEqual({ count: 2 });
    const ungrouped = await t.http.get("/api/v2/notifications/unread_count?grouped_types[]=mention").set("Authorization", alice.auth);
    expect(ungrouped.body).toEqual({ count: 6 });
    const v1 = await t.http.get("/api/v1/notifications/unread_count").set("Authorization", alice.auth);
    expect(v1.body).toEqual({ count: 6 });
  });

  it("unread_count counts what came after the notifications marker (/api/v1/markers)", async () => {
    const { alice, others } = await scene();
    const all = await t.http.get("/api/v1/notifications").set("Authorization", alice.auth);
    expect(all.body).toHaveLength(6);
    // read up to the mention (the newest): nothing unread
    const newest = all.body[0].id as string;
    await t.http.post("/api/v1/markers").set("Authorization", alice.auth).send({ notifications: { last_read_id: newest } }).expect(200);
    expect((await t.http.get("/api/v2/notifications/unread_count").set("Authorization", alice.auth)).body).toEqual({ count: 0 });
    expect((await t.http.get("/api/v1/notifications/unread_count").set("Authorization", alice.auth)).body).toEqual({ count: 0 });
    // a new favourite after the marker is one unread group
    const later = await createPost(t, alice, "later");
    await favourite(others[0], later.id);
    expect((await t.http.get("/api/v2/notifications/unread_count").set("Authorization", alice.auth)).body).toEqual({ count: 1 });
    // read up to the oldest: everything newer counts again (follows and favourites folded)
    const oldest = all.body[5].id as string;
    await t.http.post("/api/v1/markers").set("Authorization", alice.auth).send({ notifications: { last_read_id: oldest } }).expect(200);
    expect((await t.http.get("/api/v2/notifications/unread_count").set("Authorization", alice.auth)).body).toEqual({ count: 4 });
    expect((await t.http.get("/api/v1/notifications/unread_count").set("Authorization", alice.auth)).body).toEqual({ count: 6 });
    // another resident's marker counts for nothing here
    await t.http.post("/api/v1/markers").set("Authorization", others[1].auth).send({ notifications: { last_read_id: newest } }).expect(200);
    expect((await t.http.get("/api/v2/notifications/unread_count").set("Authorization", alice.auth)).body).toEqual({ count: 4 });
  });

  it("the policy accepts everything, in v2 and v1 shapes", async () => {
    const alice = await createResident(t, "alice");
    const v2 = await t.http.get("/api/v2/notifications/policy").set("Authorization", alice.auth);
    expect(v2.body).toMatchObject({ for_not_following: "accept", for_private_mentions: "accept", summary: { pending_requests_count: 0 } });
    const v1 = await t.http.get("/api/v1/notifications/policy").set("Authorization", alice.auth);
    expect(v1.body).toMatchObject({ filter_not_following: false, summary: { pending_notifications_count: 0 } });
    const requests = await t.http.get("/api/v1/notifications/requests").set("Authorization", alice.auth);
    expect(requests.body).toEqual([]);
  });

  it("setting a policy to accept is fine; to filter or drop is a 422, as is a wrong value", async () => {
    const alice = await createResident(t, "alice");
    const ok = await t.http.patch("/api/v2/notifications/policy").set("Authorization", alice.auth).send({ for_not_following: "accept" });
    expect(ok.status).toBe(200);
    for (const body of [{ for_new_accounts: "filter" }, { for_private_mentions: "drop" }, { for_not_following: 42 }]) {
      const res = await t.http.patch("/api/v2/notifications/policy").set("Authorization", alice.auth).send(body);
      expect(res.status).toBe(422);
    }
    const v1 = await t.http.put("/api/v1/notifications/policy").set("Authorization", alice.auth).send({ filter_not_following: true });
    expect(v1.status).toBe(422);
    const malformed = await t.http.patch("/api/v2/notifications/policy").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{oops");
    expect(malformed.status).toBe(400);
  });
});
