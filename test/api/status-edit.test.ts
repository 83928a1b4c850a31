// PUT /api/v1/statuses/:id, GET /:id/history and /:id/source.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { reblog } from "../../server/domain/interactions";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("PUT /api/v1/statuses/:id", () => {
  it("editing one's status changes its content and sets edited_at", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Premier jet");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Version corrigée" });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe("<p>Version corrigée</p>");
    expect(res.body.edited_at).toEqual(expect.any(String));
    const read = await t.http.get(`/api/v1/statuses/${s.id}`);
    expect(read.body.content).toBe("<p>Version corrigée</p>");
  });

  it("an edit keeps the status id and its creation date", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Premier jet");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Autre" });
    expect(res.body.id).toBe(s.id);
    expect(res.body.created_at).toBe(s.createdAt.toISOString());
  });

  it("an edit can add a content warning, which makes the status sensitive", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Texte");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Texte", spoiler_text: "Attention" });
    expect(res.body).toMatchObject({ spoiler_text: "Attention", sensitive: true });
  });

  it("an edit replaces the hashtags of the status", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Avant #ancien");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Après #nouveau" });
    expect(res.body.tags.map((x: { name: string }) => x.name)).toEqual(["nouveau"]);
    const oldTag = await t.http.get("/api/v1/timelines/tag/ancien");
    expect(oldTag.body).toEqual([]);
  });

  it("editing someone else's status is refused with 403 and the content is unchanged", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth).send({ status: "Piraté" });
    expect(res.status).toBe(403);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`)).body.content).toBe("<p>Original</p>");
    expect(await countRows(t, "status_edits")).toBe(0);
  });

  it("editing someone else's status the caller cannot see is 404", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Original", { visibility: "private" });
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth).send({ status: "Piraté" });
    expect(res.status).toBe(404);
  });

  it("editing a reblog is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Original");
    const boost = await reblog(t.services.domain, bob.account, s.id);
    const res = await t.http.put(`/api/v1/statuses/${boost.id}`).set("Authorization", bob.auth).send({ status: "Mon boost" });
    expect(res.status).toBe(403);
  });

  it("editing without a token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).send({ status: "Anonyme" });
    expect(res.status).toBe(401);
  });

  it("an edit with a blank text is refused with 422 and nothing changes", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "  " });
    expect(res.status).toBe(422);
    expect(await countRows(t, "status_edits")).toBe(0);
  });

  it("an edit without a status field is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ spoiler_text: "cw" });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/status/);
  });

  it("an edit whose status is not a string is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: ["a"] });
    expect(res.status).toBe(422);
  });

  it("an edit over the length limit is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "x".repeat(t.config.maxStatusChars + 1) });
    expect(res.status).toBe(422);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`)).body.content).toBe("<p>Original</p>");
  });

  it("an edit with an invalid language code is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Nouveau", language: "<b>x</b>" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "status_edits")).toBe(0);
  });

  it("malformed JSON in an edit is refused with 400", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Original");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).set("Content-Type", "application/json").send('{"status": "x"');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.any(String));
  });

  it("editing an unknown id is 404", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.put("/api/v1/statuses/987654321").set("Authorization", alice.auth).send({ status: "x" });
    expect(res.status).toBe(404);
  });
});

describe("GET /api/v1/statuses/:id/history", () => {
  it("an edited status's history lists the original and then the new version", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Un");
    await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Deux" });
    await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Trois" });
    const res = await t.http.get(`/api/v1/statuses/${s.id}/history`);
    expect(res.status).toBe(200);
    expect(res.body.map((v: { content: string }) => v.content)).toEqual(["<p>Un</p>", "<p>Deux</p>", "<p>Trois</p>"]);
    expect(res.body[0].account.id).toBe(alice.account.id);
  });

  it("a never-edited status's history is its single current version", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Seul");
    const res = await t.http.get(`/api/v1/statuses/${s.id}/history`);
    expect(res.body.map((v: { content: string }) => v.content)).toEqual(["<p>Seul</p>"]);
  });

  it("the history of a followers-only status is 404 for a stranger", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Secret", { visibility: "private" });
    await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "Secret modifié" });
    expect((await t.http.get(`/api/v1/statuses/${s.id}/history`).set("Authorization", bob.auth)).status).toBe(404);
    expect((await t.http.get(`/api/v1/statuses/${s.id}/history`)).status).toBe(404);
  });

  it("the history of an unknown status is 404", async () => {
    expect((await t.http.get("/api/v1/statuses/55555/history")).status).toBe(404);
  });
});

describe("GET /api/v1/statuses/:id/source", () => {
  it("the source of one's status is its plain text and content warning", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Texte **brut** #tag", { spoilerText: "cw" });
    const res = await t.http.get(`/api/v1/statuses/${s.id}/source`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: s.id, text: "Texte **brut** #tag", spoiler_text: "cw" });
  });

  it("the source of someone else's status is 404", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Texte");
    const res = await t.http.get(`/api/v1/statuses/${s.id}/source`).set("Authorization", bob.auth);
    expect(res.status).toBe(404);
  });

  it("the source without a token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Texte");
    expect((await t.http.get(`/api/v1/statuses/${s.id}/source`)).status).toBe(401);
  });
});
