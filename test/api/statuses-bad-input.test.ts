// Bad input on the statuses, timelines, relationships and notifications endpoints:
// always a 4xx with {"error": "…"}, nothing written, never a 500.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const postStatus = (r: Resident) => t.http.post("/api/v1/statuses").set("Authorization", r.auth);

describe("POST /api/v1/statuses with bad input", () => {
  it("malformed JSON is refused with 400 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).set("Content-Type", "application/json").send('{"status": "oops",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String) });
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a body over the size limit is refused with 413 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: "a".repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: expect.any(String) });
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a JSON array as body is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send([{ status: "x" }]);
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a JSON string as body is refused with a 4xx", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).set("Content-Type", "application/json").send('"just a string"');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a missing status text (and no media) is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ visibility: "public" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it.each([
    ["a numeric status", { status: 42 }],
    ["an object status", { status: { text: "x" } }],
    ["an unknown visibility", { status: "x", visibility: "everyone" }],
    ["a numeric visibility", { status: "x", visibility: 1 }],
    ["a non-id in_reply_to_id", { status: "x", in_reply_to_id: "abc" }],
    ["a numeric in_reply_to_id", { status: "x", in_reply_to_id: 12 }],
    ["a non-boolean sensitive", { status: "x", sensitive: "very" }],
    ["a non-string spoiler_text", { status: "x", spoiler_text: ["cw"] }],
    ["a media id that is not an id", { status: "x", media_ids: ["../etc/passwd"] }],
    ["a numeric language", { status: "x", language: 33 }],
    ["a scheduled_at in the past", { status: "x", scheduled_at: "2020-01-01T00:00:00Z" }],
    ["a scheduled_at that is not a date", { status: "x", scheduled_at: "demain matin" }],
    ["a numeric scheduled_at", { status: "x", scheduled_at: 12 }],
    ["a poll without options", { status: "x", poll: { expires_in: 3600 } }],
    ["a poll with one option", { status: "x", poll: { options: ["seul"], expires_in: 3600 } }],
    ["a poll with five options", { status: "x", poll: { options: ["a", "b", "c", "d", "e"], expires_in: 3600 } }],
    ["a poll with a blank option", { status: "x", poll: { options: ["a", " "], expires_in: 3600 } }],
    ["a poll with twice the same option", { status: "x", poll: { options: ["a", "a"], expires_in: 3600 } }],
    ["a poll with a 51-character option", { status: "x", poll: { options: ["a", "b".repeat(51)], expires_in: 3600 } }],
    ["a poll ending in under five minutes", { status: "x", poll: { options: ["a", "b"], expires_in: 60 } }],
    ["a poll ending in over a month", { status: "x", poll: { options: ["a", "b"], expires_in: 99_999_999 } }],
    ["a poll with a text expires_in", { status: "x", poll: { options: ["a", "b"], expires_in: "bientôt" } }],
    ["a poll that is a string", { status: "x", poll: "oui,non" }],
    ["a poll with object options", { status: "x", poll: { options: [{ title: "a" }, { title: "b" }], expires_in: 3600 } }],
  ])("%s is refused with 422 and nothing is stored", async (_label, body) => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send(body);
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual(expect.any(String));
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("media owned by someone else are refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { createMedia } = await import("../helpers/api");
    const media = await createMedia(t, bob);
    const res = await postStatus(alice).send({ status: "x", media_ids: [media.id] });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("more than four media are refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: "x", media_ids: ["1", "2", "3", "4", "5"] });
    expect(res.status).toBe(422);
  });

  it("an empty Idempotency-Key is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).set("Idempotency-Key", "").send({ status: "x" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("an SQL injection string is stored as plain text and harms nothing", async () => {
    const alice = await createResident(t, "alice");
    const text = "'); drop table statuses; -- \" or 1=1";
    const res = await postStatus(alice).send({ status: text });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe("<p>&#39;); drop table statuses; -- &quot; or 1=1</p>");
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("a NUL character in the text is refused with 422 rather than failing", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: "avant\u0000après" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a NUL character in the content warning is refused with 422 rather than failing", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: "ok", spoiler_text: "cw\u0000" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a NUL character in the Idempotency-Key does not cause a 500", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).set("Idempotency-Key", "a%00b").send({ status: "ok" });
    expect(res.status).toBeLessThan(500);
  });

  it("a lone surrogate in the text does not cause a 500", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).set("Content-Type", "application/json").send('{"status": "x \\ud800 y"}');
    expect(res.status).toBeLessThan(500);
  });

  it("a __proto__ key in the body is ignored", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).set("Content-Type", "application/json").send('{"status": "proto", "__proto__": {"visibility": "direct"}}');
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe("public");
  });

  it("a hashtag too long to be a tag stays plain text", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: `#${"a".repeat(150)}` });
    expect(res.status).toBe(200);
    expect(res.body.tags).toEqual([]);
  });

  it("a text full of mentions and tags is accepted and bounded", async () => {
    const alice = await createResident(t, "alice");
    const words = Array.from({ length: 120 }, (_, i) => `@nobody${i} #tag${i}`).join(" ");
    const res = await postStatus(alice).send({ status: words });
    expect(res.status).toBe(200);
    expect(res.body.tags.length).toBeLessThanOrEqual(50);
  });
});

describe("ids beyond the 64-bit range", () => {
  // 19 digits, yet larger than PostgreSQL's bigint: must never reach a query
  const big = "9999999999999999999";

  it("a media id beyond the 64-bit range is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: "x", media_ids: [big] });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("an in_reply_to_id beyond the 64-bit range is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await postStatus(alice).send({ status: "x", in_reply_to_id: big });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it.each([
    ["the home timeline", "/api/v1/timelines/home?max_id="],
    ["the public timeline", "/api/v1/timelines/public?since_id="],
    ["the notifications", "/api/v1/notifications?min_id="],
    ["the statuses by id", "/api/v1/statuses?id[]="],
  ])("a cursor beyond the 64-bit range on %s is ignored, not a 500", async (_label, path) => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get(path + big).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
  });

  it("an account's statuses with a cursor beyond the 64-bit range answer 200", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/statuses?max_id=${big}`);
    expect(res.status).toBe(200);
  });

  it("a notifications account_id beyond the 64-bit range is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get(`/api/v1/notifications?account_id=${big}`).set("Authorization", alice.auth);
    expect(res.status).toBe(422);
  });
});

describe("other status endpoints with bad input", () => {
  it("a reblog with malformed JSON is refused with 400 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "x");
    const res = await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth).set("Content-Type", "application/json").send("{");
    expect(res.status).toBe(400);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("an id with SQL in it is simply not found", async () => {
    const alice = await createResident(t, "alice");
    for (const path of ["", "/context", "/favourite", "/reblog", "/history"]) {
      const method = ["/favourite", "/reblog"].includes(path) ? "post" : "get";
      const res = await t.http[method](`/api/v1/statuses/${encodeURIComponent("1 or 1=1")}${path}`).set("Authorization", alice.auth);
      expect(res.status).toBe(404);
    }
  });

  it("an id of 64-bit overflow size is simply not found", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses/9223372036854775808/favourite").set("Authorization", alice.auth);
    expect(res.status).toBe(404);
  });

  it("GET /api/v1/statuses with junk ids answers an empty list", async () => {
    const res = await t.http.get("/api/v1/statuses?id[]=abc&id[]=%27--&id=99999999999999999999");
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it("a mute body with malformed JSON is refused with 400 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post(`/api/v1/accounts/${bob.account.id}/mute`).set("Authorization", alice.auth).set("Content-Type", "application/json").send("{duration");
    expect(res.status).toBe(400);
    expect(await countRows(t, "mutes")).toBe(0);
  });

  it("a notifications query with junk types and ids answers 200 or 422, never 500", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get("/api/v1/notifications?types[]=%27;drop&exclude_types=1&max_id=abc&account_id=xyz").set("Authorization", alice.auth);
    expect([200, 422]).toContain(res.status);
  });

  it("a relationships query with an object for id is refused, not a 500", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.get("/api/v1/accounts/relationships?id[a]=1").set("Authorization", alice.auth);
    expect(res.status).toBeLessThan(500);
  });

  it("a timeline query with nested parameters is not a 500", async () => {
    const res = await t.http.get("/api/v1/timelines/public?local[a]=1&max_id[b]=2&limit[]=3");
    expect(res.status).toBeLessThan(500);
  });

  it("a search with a very long or odd query is not a 500", async () => {
    const res = await t.http.get(`/api/v2/search?q=${encodeURIComponent("%_\\'\"".repeat(50))}&type=statuses`);
    expect(res.status).toBe(200);
  });
});
