// Favourites, reblogs and bookmarks, and the lists of who favourited or reblogged.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { countRows, idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import { favourite, reblog } from "../../server/domain/interactions";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("favourite and unfavourite", () => {
  it("favouriting a status sets favourited and counts it", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Aimez-moi");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: s.id, favourited: true, favourites_count: 1 });
  });

  it("favouriting twice counts once", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Aimez-moi");
    await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    const res = await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    expect(res.body.favourites_count).toBe(1);
    expect(await countRows(t, "favourites")).toBe(1);
  });

  it("unfavouriting clears the flag and the count", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Aimez-moi");
    await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    const res = await t.http.post(`/api/v1/statuses/${s.id}/unfavourite`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ favourited: false, favourites_count: 0 });
  });

  it("unfavouriting a status never favourited is a harmless 200", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Aimez-moi");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/unfavourite`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body.favourited).toBe(false);
  });

  it("favouriting a reblog favourites the status it shares", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const s = await createPost(t, alice, "Original");
    const boost = await reblog(t.services.domain, bob.account, s.id);
    const res = await t.http.post(`/api/v1/statuses/${boost.id}/favourite`).set("Authorization", carol.auth);
    expect(res.body).toMatchObject({ id: s.id, favourited: true, favourites_count: 1 });
  });

  it("favouriting a status one may not see is 404 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const res = await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    expect(res.status).toBe(404);
    expect(await countRows(t, "favourites")).toBe(0);
  });

  it("favouriting without a token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Aimez-moi");
    expect((await t.http.post(`/api/v1/statuses/${s.id}/favourite`)).status).toBe(401);
    expect((await t.http.post(`/api/v1/statuses/${s.id}/unfavourite`)).status).toBe(401);
    expect(await countRows(t, "favourites")).toBe(0);
  });

  it("favouriting an unknown status is 404", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.post("/api/v1/statuses/777777/favourite").set("Authorization", bob.auth)).status).toBe(404);
    expect((await t.http.post("/api/v1/statuses/seven/favourite").set("Authorization", bob.auth)).status).toBe(404);
  });
});

describe("GET favourited_by", () => {
  it("favourited_by lists the accounts that favourited, newest first", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const s = await createPost(t, alice, "Aimez-moi");
    await favourite(t.services.domain, bob.account, s.id);
    await favourite(t.services.domain, carol.account, s.id);
    const res = await t.http.get(`/api/v1/statuses/${s.id}/favourited_by`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([carol.account.id, bob.account.id]);
  });

  it("favourited_by of a followers-only status is 404 for a stranger", async () => {
    const alice = await createResident(t, "alice");
    const stranger = await createResident(t, "stranger");
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    expect((await t.http.get(`/api/v1/statuses/${s.id}/favourited_by`).set("Authorization", stranger.auth)).status).toBe(404);
  });

  it("favourited_by of an unknown status is 404", async () => {
    expect((await t.http.get("/api/v1/statuses/123/favourited_by")).status).toBe(404);
  });
});

describe("reblog and unreblog", () => {
  it("reblogging returns a reblog that wraps the original", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body.id).not.toBe(s.id);
    expect(res.body.account.id).toBe(bob.account.id);
    expect(res.body.reblog).toMatchObject({ id: s.id, reblogs_count: 1 });
    expect(res.body.reblogged).toBe(true);
  });

  it("the original shows reblogged and its reblog count after a reblog", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    const res = await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth);
    expect(res.body).toMatchObject({ reblogged: true, reblogs_count: 1 });
  });

  it("reblogging twice makes a single reblog", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    const first = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    const second = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.reblog.reblogs_count).toBe(1);
    expect(await countRows(t, "statuses")).toBe(2);
  });

  it("unreblogging removes the reblog and returns the original", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    const boost = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    const res = await t.http.post(`/api/v1/statuses/${s.id}/unreblog`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: s.id, reblogged: false, reblogs_count: 0 });
    expect((await t.http.get(`/api/v1/statuses/${boost.body.id}`)).status).toBe(404);
  });

  it("reblogging someone else's followers-only status is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    expect(res.status).toBe(403);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("reblogging a direct status one is mentioned in is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Privé @bob", { visibility: "direct" });
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    expect(res.status).toBe(403);
  });

  it("the author may reblog their own followers-only status, which stays followers-only", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe("private");
  });

  it("a reblog may be made unlisted", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth).send({ visibility: "unlisted" });
    expect(res.body.visibility).toBe("unlisted");
  });

  it("a reblog with an unknown visibility is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth).send({ visibility: "direct" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("reblogging a status one may not see is 404", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    expect((await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth)).status).toBe(404);
  });

  it("reblogging without a token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "À partager");
    expect((await t.http.post(`/api/v1/statuses/${s.id}/reblog`)).status).toBe(401);
    expect((await t.http.post(`/api/v1/statuses/${s.id}/unreblog`)).status).toBe(401);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("reblogging an unknown status is 404", async () => {
    const bob = await createResident(t, "bob");
    expect((await t.http.post("/api/v1/statuses/8888/reblog").set("Authorization", bob.auth)).status).toBe(404);
  });
});

describe("GET reblogged_by", () => {
  it("reblogged_by lists the accounts that reblogged", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À partager");
    await reblog(t.services.domain, bob.account, s.id);
    const res = await t.http.get(`/api/v1/statuses/${s.id}/reblogged_by`);
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual([bob.account.id]);
  });

  it("reblogged_by of a followers-only status is 404 for a visitor", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    expect((await t.http.get(`/api/v1/statuses/${s.id}/reblogged_by`)).status).toBe(404);
  });
});

describe("bookmark and unbookmark", () => {
  it("bookmarking sets bookmarked on the status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À garder");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/bookmark`).set("Authorization", bob.auth);
    expect(res.status).toBe(200);
    expect(res.body.bookmarked).toBe(true);
  });

  it("a bookmark is the bookmarker's own: the author does not see it as bookmarked", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À garder");
    await t.http.post(`/api/v1/statuses/${s.id}/bookmark`).set("Authorization", bob.auth);
    const res = await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth);
    expect(res.body.bookmarked).toBe(false);
  });

  it("unbookmarking clears bookmarked", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À garder");
    await t.http.post(`/api/v1/statuses/${s.id}/bookmark`).set("Authorization", bob.auth);
    const res = await t.http.post(`/api/v1/statuses/${s.id}/unbookmark`).set("Authorization", bob.auth);
    expect(res.body.bookmarked).toBe(false);
    expect(await countRows(t, "bookmarks")).toBe(0);
  });

  it("bookmarking a status one may not see is 404 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Privé", { visibility: "direct" });
    expect((await t.http.post(`/api/v1/statuses/${s.id}/bookmark`).set("Authorization", bob.auth)).status).toBe(404);
    expect(await countRows(t, "bookmarks")).toBe(0);
  });

  it("bookmarking without a token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "À garder");
    expect((await t.http.post(`/api/v1/statuses/${s.id}/bookmark`)).status).toBe(401);
    expect((await t.http.post(`/api/v1/statuses/${s.id}/unbookmark`)).status).toBe(401);
  });
});
