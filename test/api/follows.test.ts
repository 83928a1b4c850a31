// Follow, unfollow, follow requests of locked accounts, relationships, followers/following.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { countRows, idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import { reblog } from "../../server/domain/interactions";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("POST /api/v1/accounts/:id/follow", () => {
  it("following an unlocked account answers a relationship with following true", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: bob.account.id, following: true, requested: false, showing_reblogs: true });
  });

  it("a new follower appears in the followed account's followers list", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    const followers = await t.http.get(`/api/v1/accounts/${bob.account.id}/followers`);
    const following = await t.http.get(`/api/v1/accounts/${alice.account.id}/following`);
    expect(idsOf(followers.body)).toEqual([alice.account.id]);
    expect(idsOf(following.body)).toEqual([bob.account.id]);
  });

  it("following a locked account makes a request instead of a follow", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ following: false, requested: true });
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("following with reblogs=false hides reblogs on the relationship", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth).send({ reblogs: false });
    expect(res.body).toMatchObject({ following: true, showing_reblogs: false });
  });

  it("following again with reblogs=false updates the existing follow", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    const again = await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth).send({ reblogs: false });
    expect(again.body.showing_reblogs).toBe(false);
    const s = await createPost(t, carol, "Original");
    await reblog(t.services.domain, bob.account, s.id);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(home.body).toEqual([]);
    expect(await countRows(t, "follows")).toBe(1);
  });

  it("following oneself is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post(`/api/v1/accounts/${alice.account.id}/follow`).set("Authorization", alice.auth);
    expect(res.status).toBe(403);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("following without a token is refused with 401", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`)).status).toBe(401);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("following an unknown account is 404", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post("/api/v1/accounts/1234567/follow").set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.post("/api/v1/accounts/bob/follow").set("Authorization", alice.auth)).status).toBe(404);
  });

  it("a follow with a non-boolean reblogs is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth).send({ reblogs: "sometimes" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("a follow with malformed JSON is refused with 400", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http
      .post(`/api/v1/accounts/${bob.account.id}/follow`)
      .set("Authorization", alice.auth)
      .set("Content-Type", "application/json")
      .send("{reblogs:");
    expect(res.status).toBe(400);
    expect(await countRows(t, "follows")).toBe(0);
  });
});

describe("POST /api/v1/accounts/:id/unfollow", () => {
  it("unfollowing ends the follow", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/unfollow`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.following).toBe(false);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("after unfollowing, followers-only statuses are no longer readable", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, alice.account, bob.account);
    const s = await createPost(t, bob, "Abonnés", { visibility: "private" });
    await t.http.post(`/api/v1/accounts/${bob.account.id}/unfollow`).set("Authorization", alice.auth);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth)).status).toBe(404);
  });

  it("unfollowing withdraws a pending follow request", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/unfollow`).set("Authorization", alice.auth);
    expect(res.body.requested).toBe(false);
    expect(await countRows(t, "follow_requests")).toBe(0);
  });

  it("unfollowing without a token is refused with 401", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/unfollow`)).status).toBe(401);
  });
});

describe("follow requests", () => {
  it("a locked account's follow requests list the requesters", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.get("/api/v1/follow_requests").set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([alice.account.id]);
  });

  it("a follow request is not listed for the requester", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.get("/api/v1/follow_requests").set("Authorization", alice.auth);
    expect(res.body).toEqual([]);
  });

  it("authorizing a request makes the requester a follower", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.post(`/api/v1/follow_requests/${alice.account.id}/authorize`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: alice.account.id, followed_by: true, requested_by: false });
    const rel = await t.http.get(`/api/v1/accounts/relationships?id[]=${bob.account.id}`).set("Authorization", alice.auth);
    expect(rel.body[0]).toMatchObject({ following: true, requested: false });
  });

  it("an authorized follower sees the locked account's followers-only statuses", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    const s = await createPost(t, bob, "Abonnés", { visibility: "private" });
    await follow(t.services.domain, alice.account, bob.account);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth)).status).toBe(404);
    await t.http.post(`/api/v1/follow_requests/${alice.account.id}/authorize`).set("Authorization", bob.auth);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth)).status).toBe(200);
  });

  it("rejecting a request leaves no follow and no request", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.post(`/api/v1/follow_requests/${alice.account.id}/reject`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ followed_by: false, requested_by: false });
    expect(await countRows(t, "follows")).toBe(0);
    expect(await countRows(t, "follow_requests")).toBe(0);
  });

  it("authorizing an account that made no request is 404", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    const res = await t.http.post(`/api/v1/follow_requests/${alice.account.id}/authorize`).set("Authorization", bob.auth);
    expect(res.status).toBe(404);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("a requester cannot authorize their own request", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await follow(t.services.domain, alice.account, bob.account);
    const res = await t.http.post(`/api/v1/follow_requests/${bob.account.id}/authorize`).set("Authorization", alice.auth);
    expect(res.status).toBe(404);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("rejecting an unknown or non-numeric id is 404", async () => {
    const bob = await createResident(t, "bob", { locked: true });
    expect((await t.http.post("/api/v1/follow_requests/999/reject").set("Authorization", bob.auth)).status).toBe(404);
    expect((await t.http.post("/api/v1/follow_requests/abc/reject").set("Authorization", bob.auth)).status).toBe(404);
  });

  it("follow requests without a token are refused with 401", async () => {
    expect((await t.http.get("/api/v1/follow_requests")).status).toBe(401);
    expect((await t.http.post("/api/v1/follow_requests/1/authorize")).status).toBe(401);
    expect((await t.http.post("/api/v1/follow_requests/1/reject")).status).toBe(401);
  });
});

describe("GET /api/v1/accounts/relationships", () => {
  it("relationships answer one entry per requested id, in order", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await follow(t.services.domain, alice.account, bob.account);
    await follow(t.services.domain, carol.account, alice.account);
    const res = await t.http.get(`/api/v1/accounts/relationships?id[]=${carol.account.id}&id[]=${bob.account.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toMatchObject({ id: carol.account.id, following: false, followed_by: true });
    expect(res.body[1]).toMatchObject({ id: bob.account.id, following: true, followed_by: false });
  });

  it("relationships accept a single id without brackets", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.get(`/api/v1/accounts/relationships?id=${bob.account.id}`).set("Authorization", alice.auth);
    expect(res.body.map((r: { id: string }) => r.id)).toEqual([bob.account.id]);
  });

  it("relationships leave out ids that are not accounts", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.get(`/api/v1/accounts/relationships?id[]=${bob.account.id}&id[]=42&id[]=abc`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.map((r: { id: string }) => r.id)).toEqual([bob.account.id]);
  });

  it("relationships without a token are refused with 401", async () => {
    expect((await t.http.get("/api/v1/accounts/relationships?id[]=1")).status).toBe(401);
  });
});
