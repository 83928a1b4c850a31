// Block and mute, their lists, and what they hide.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { countRows, idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import { block } from "../../server/domain/blocks";
import { mute } from "../../server/domain/blocks";
import { sleep } from "../helpers/wait";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const ctx = () => t.services.domain;

describe("POST /api/v1/accounts/:id/block and unblock", () => {
  it("blocking answers a relationship with blocking true", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: bob.account.id, blocking: true });
  });

  it("the blocked account sees itself blocked_by the blocker", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    const rel = await t.http.get(`/api/v1/accounts/relationships?id[]=${alice.account.id}`).set("Authorization", bob.auth);
    expect(rel.body[0]).toMatchObject({ blocked_by: true, blocking: false });
  });

  it("blocking removes the follows in both directions", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(ctx(), alice.account, bob.account);
    await follow(ctx(), bob.account, alice.account);
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    expect(res.body).toMatchObject({ following: false, followed_by: false });
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("blocking removes a pending follow request from the blocked account", async () => {
    const alice = await createResident(t, "alice", { locked: true });
    const bob = await createResident(t, "bob");
    await follow(ctx(), bob.account, alice.account);
    await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    expect(await countRows(t, "follow_requests")).toBe(0);
  });

  it("a blocked account cannot read the blocker's public status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Public");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth)).status).toBe(404);
  });

  it("a blocked account cannot favourite the blocker's status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Public");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    expect(res.status).toBe(404);
    expect(await countRows(t, "favourites")).toBe(0);
  });

  it("a blocked account cannot reblog the blocker's status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Public");
    await block(ctx(), alice.account.id, bob.account.id);
    expect((await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth)).status).toBe(404);
  });

  it("a blocked account cannot reply to the blocker's status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Public");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.post("/api/v1/statuses").set("Authorization", bob.auth).send({ status: "Réponse", in_reply_to_id: s.id });
    expect(res.status).toBe(404);
  });

  it("a blocked account cannot follow the blocker", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.post(`/api/v1/accounts/${alice.account.id}/follow`).set("Authorization", bob.auth);
    expect(res.status).toBe(403);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("the blocker cannot follow the account they block", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await block(ctx(), alice.account.id, bob.account.id);
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth)).status).toBe(403);
  });

  it("unblocking lets the account read the status again", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Public");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/unblock`).set("Authorization", alice.auth);
    expect(res.body.blocking).toBe(false);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth)).status).toBe(200);
  });

  it("statuses of an account one blocks are not in status search results", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "lavoir municipal");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.get("/api/v2/search?q=lavoir&type=statuses").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.statuses).toEqual([]);
  });

  it("statuses of an account that blocks the searcher are not in status search results", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "lavoir municipal");
    await block(ctx(), bob.account.id, alice.account.id);
    const res = await t.http.get("/api/v2/search?q=lavoir&type=statuses").set("Authorization", alice.auth);
    expect(res.body.statuses).toEqual([]);
  });

  it("blocking oneself is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post(`/api/v1/accounts/${alice.account.id}/block`).set("Authorization", alice.auth)).status).toBe(403);
    expect(await countRows(t, "blocks")).toBe(0);
  });

  it("blocking twice keeps one block", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/block`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(await countRows(t, "blocks")).toBe(1);
  });

  it("blocking without a token is refused with 401", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/block`)).status).toBe(401);
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/unblock`)).status).toBe(401);
    expect(await countRows(t, "blocks")).toBe(0);
  });

  it("blocking an unknown account is 404", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post("/api/v1/accounts/31337/block").set("Authorization", alice.auth)).status).toBe(404);
  });
});

describe("GET /api/v1/blocks", () => {
  it("the blocks list shows the accounts one blocks, newest first", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await block(ctx(), alice.account.id, bob.account.id);
    await block(ctx(), alice.account.id, carol.account.id);
    const res = await t.http.get("/api/v1/blocks").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([carol.account.id, bob.account.id]);
  });

  it("the blocks list does not show who blocks oneself", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await block(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.get("/api/v1/blocks").set("Authorization", bob.auth);
    expect(res.body).toEqual([]);
  });

  it("the blocks list without a token is refused with 401", async () => {
    expect((await t.http.get("/api/v1/blocks")).status).toBe(401);
  });
});

describe("POST /api/v1/accounts/:id/mute and unmute", () => {
  it("muting answers a relationship with muting and muting_notifications true", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ muting: true, muting_notifications: true });
  });

  it("muting with notifications=false keeps notifications from the muted account", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth).send({ notifications: false });
    expect(res.body).toMatchObject({ muting: true, muting_notifications: false });
    await createPost(t, bob, "Coucou @alice");
    const notes = await t.http.get("/api/v1/notifications").set("Authorization", alice.auth);
    expect(notes.body.map((n: { type: string }) => n.type)).toEqual(["mention"]);
  });

  it("muting hides the muted account's statuses from the home timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(ctx(), alice.account, bob.account);
    await createPost(t, bob, "Bla");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(home.body).toEqual([]);
  });

  it("muting hides the muted account's statuses from the public timeline", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "Bla");
    await mute(ctx(), alice.account.id, bob.account.id);
    const pub = await t.http.get("/api/v1/timelines/public").set("Authorization", alice.auth);
    expect(pub.body).toEqual([]);
  });

  it("statuses of a muted account are not in status search results", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "lavoir municipal");
    await mute(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.get("/api/v2/search?q=lavoir&type=statuses").set("Authorization", alice.auth);
    expect(res.body.statuses).toEqual([]);
  });

  it("a muted account does not know it is muted", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await mute(ctx(), alice.account.id, bob.account.id);
    const rel = await t.http.get(`/api/v1/accounts/relationships?id[]=${alice.account.id}`).set("Authorization", bob.auth);
    expect(rel.body[0]).toMatchObject({ muting: false, blocked_by: false });
  });

  it("a mute with a duration ends by itself", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(ctx(), alice.account, bob.account);
    const s = await createPost(t, bob, "Bla");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth).send({ duration: 1 });
    expect(res.body.muting).toBe(true);
    expect((await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth)).body).toEqual([]);
    await sleep(1100);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(home.body)).toEqual([s.id]);
  });

  it("a mute with a negative duration is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth).send({ duration: -5 });
    expect(res.status).toBe(422);
    expect(await countRows(t, "mutes")).toBe(0);
  });

  it("a mute with a non-numeric duration is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth).send({ duration: "forever" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "mutes")).toBe(0);
  });

  it("unmuting shows the account's statuses again", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(ctx(), alice.account, bob.account);
    const s = await createPost(t, bob, "Bla");
    await mute(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/unmute`).set("Authorization", alice.auth);
    expect(res.body.muting).toBe(false);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(idsOf(home.body)).toEqual([s.id]);
  });

  it("muting oneself is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.post(`/api/v1/accounts/${alice.account.id}/mute`).set("Authorization", alice.auth)).status).toBe(403);
  });

  it("muting without a token is refused with 401", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`)).status).toBe(401);
    expect((await t.http.post(`/api/v1/accounts/${bob.account.id}/unmute`)).status).toBe(401);
  });
});

describe("GET /api/v1/mutes", () => {
  it("the mutes list shows the accounts one mutes", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await mute(ctx(), alice.account.id, bob.account.id);
    const res = await t.http.get("/api/v1/mutes").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([bob.account.id]);
  });

  it("an expired mute is not in the mutes list", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await mute(ctx(), alice.account.id, bob.account.id, { duration: 1 });
    await sleep(1100);
    const res = await t.http.get("/api/v1/mutes").set("Authorization", alice.auth);
    expect(res.body).toEqual([]);
  });

  it("the mutes list without a token is refused with 401", async () => {
    expect((await t.http.get("/api/v1/mutes")).status).toBe(401);
  });
});
