// POST, GET and DELETE /api/v1/statuses.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { reblog } from "../../server/domain/interactions";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("POST /api/v1/statuses", () => {
  it("a resident posts a status and receives the Status entity", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Bonjour le village" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ content: "<p>Bonjour le village</p>", visibility: "public", sensitive: false, spoiler_text: "" });
    expect(res.body.account.id).toBe(alice.account.id);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("a posted status can then be read by its id", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Lisible" });
    const read = await t.http.get(`/api/v1/statuses/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.content).toBe("<p>Lisible</p>");
  });

  it("a form-encoded post is accepted like a JSON one", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).type("form").send({ status: "En formulaire", visibility: "unlisted" });
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe("unlisted");
  });

  it("a link in the text becomes an anchor that opens safely", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Voir https://example.org/conseil?x=1&y=2." });
    expect(res.body.content).toContain('<a href="https://example.org/conseil?x=1&amp;y=2" rel="nofollow noopener noreferrer" target="_blank">');
    expect(res.body.content).toMatch(/<\/a>\.<\/p>$/);
  });

  it("a mention of a local resident becomes a profile link and is listed in mentions", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Salut @bob !" });
    expect(res.body.content).toContain(`<a href="${t.config.origin}/@bob" class="u-url mention">@<span>bob</span></a>`);
    expect(res.body.mentions).toEqual([{ id: bob.account.id, username: "bob", acct: "bob", url: `${t.config.origin}/@bob` }]);
  });

  it("a mention written with this instance's domain resolves to the local resident", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: `Salut @bob@${t.config.domain}` });
    expect(res.body.mentions.map((m: { id: string }) => m.id)).toEqual([bob.account.id]);
  });

  it("a mention of an unknown remote account is left as plain text", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Coucou @ghost@unknown.example" });
    expect(res.body.content).toBe("<p>Coucou @ghost@unknown.example</p>");
    expect(res.body.mentions).toEqual([]);
  });

  it("a mention of an unknown local name is left as plain text", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Coucou @personne" });
    expect(res.body.content).toBe("<p>Coucou @personne</p>");
    expect(res.body.mentions).toEqual([]);
  });

  it("a hashtag becomes a tag link and is listed in tags, lower-cased", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Réunion #ConseilMunicipal" });
    expect(res.body.content).toContain(`<a href="${t.config.origin}/tags/conseilmunicipal" class="mention hashtag" rel="tag">#<span>ConseilMunicipal</span></a>`);
    expect(res.body.tags).toEqual([{ name: "conseilmunicipal", url: `${t.config.origin}/tags/conseilmunicipal` }]);
  });

  it("HTML typed in a status is escaped, not rendered", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: '<script>alert(1)</script><img src=x onerror="alert(2)">' });
    expect(res.status).toBe(200);
    expect(res.body.content).not.toContain("<script");
    expect(res.body.content).not.toContain("<img");
    expect(res.body.content).toContain("&lt;script&gt;");
  });

  it("the visibility defaults to public", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "x" });
    expect(res.body.visibility).toBe("public");
  });

  it.each(["public", "unlisted", "private", "direct"])("a status posted with visibility %s keeps it", async (visibility) => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "hello", visibility });
    expect(res.status).toBe(200);
    expect(res.body.visibility).toBe(visibility);
  });

  it("a spoiler text marks the status sensitive", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Travaux rue Haute", spoiler_text: "Bruit" });
    expect(res.body.spoiler_text).toBe("Bruit");
    expect(res.body.sensitive).toBe(true);
  });

  it("a reply records the status and account it answers", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const parent = await createPost(t, alice, "Question ?");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", bob.auth).send({ status: "Réponse", in_reply_to_id: parent.id });
    expect(res.status).toBe(200);
    expect(res.body.in_reply_to_id).toBe(parent.id);
    expect(res.body.in_reply_to_account_id).toBe(alice.account.id);
  });

  it("a reply to a status the author may not see is refused with 404 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const hidden = await createPost(t, alice, "Abonnés seulement", { visibility: "private" });
    const res = await t.http.post("/api/v1/statuses").set("Authorization", bob.auth).send({ status: "Je réponds", in_reply_to_id: hidden.id });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual(expect.any(String));
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("a reply to a status that does not exist is refused with 404", async () => {
    const bob = await createResident(t, "bob");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", bob.auth).send({ status: "Je réponds", in_reply_to_id: "123456789" });
    expect(res.status).toBe(404);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a valid language code is stored on the status", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Hello", language: "en" });
    expect(res.body.language).toBe("en");
  });

  it("an invalid language code is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Hello", language: "not a language" });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a repeated request with the same Idempotency-Key returns the same status", async () => {
    const alice = await createResident(t, "alice");
    const first = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).set("Idempotency-Key", "abc-123").send({ status: "Une fois" });
    const second = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).set("Idempotency-Key", "abc-123").send({ status: "Une fois" });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("concurrent requests with the same Idempotency-Key create a single status", async () => {
    const alice = await createResident(t, "alice");
    const send = () => t.http.post("/api/v1/statuses").set("Authorization", alice.auth).set("Idempotency-Key", "retry-1").send({ status: "Une seule fois" });
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("different Idempotency-Keys create different statuses", async () => {
    const alice = await createResident(t, "alice");
    const first = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).set("Idempotency-Key", "k1").send({ status: "Une" });
    const second = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).set("Idempotency-Key", "k2").send({ status: "Une" });
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("an Idempotency-Key used by another resident does not return their status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const first = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).set("Idempotency-Key", "same").send({ status: "Alice" });
    const second = await t.http.post("/api/v1/statuses").set("Authorization", bob.auth).set("Idempotency-Key", "same").send({ status: "Bob" });
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.account.id).toBe(bob.account.id);
  });

  it("a poll with media is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const { createMedia } = await import("../helpers/api");
    const media = await createMedia(t, alice);
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .send({ status: "Sondage", media_ids: [media.id], poll: { options: ["oui", "non"], expires_in: 3600 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/poll/i);
    expect(await countRows(t, "statuses")).toBe(0);
    expect(await countRows(t, "polls")).toBe(0);
  });

  it("an empty status is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "   " });
    expect(res.status).toBe(422);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("a status with media attachments and no text is accepted", async () => {
    const alice = await createResident(t, "alice");
    const { createMedia } = await import("../helpers/api");
    const media = await createMedia(t, alice);
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ media_ids: [media.id] });
    expect(res.status).toBe(200);
    expect(res.body.media_attachments.map((m: { id: string }) => m.id)).toEqual([media.id]);
  });

  it("posting without a token is refused with 401", async () => {
    const res = await t.http.post("/api/v1/statuses").send({ status: "Anonyme" });
    expect(res.status).toBe(401);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("posting with an invalid token is refused with 401", async () => {
    const res = await t.http.post("/api/v1/statuses").set("Authorization", "Bearer not-a-token").send({ status: "Anonyme" });
    expect(res.status).toBe(401);
    expect(await countRows(t, "statuses")).toBe(0);
  });
});

describe("GET /api/v1/statuses/:id", () => {
  it("a public status can be read by a visitor", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Public");
    const res = await t.http.get(`/api/v1/statuses/${s.id}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(s.id);
  });

  it("an unlisted status can be read by a visitor who has its id", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Non listé", { visibility: "unlisted" });
    const res = await t.http.get(`/api/v1/statuses/${s.id}`);
    expect(res.status).toBe(200);
  });

  it("an unknown id is 404", async () => {
    const res = await t.http.get("/api/v1/statuses/123456789012");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String) });
  });

  it.each(["abc", "12abc", "-1", "1.5", "99999999999999999999", "%27%20OR%201%3D1"])("a malformed id %s is 404", async (id) => {
    const res = await t.http.get(`/api/v1/statuses/${id}`);
    expect(res.status).toBe(404);
  });

  it("the viewer's flags are present for a resident and absent for a visitor", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Flags");
    const asAlice = await t.http.get(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth);
    const asVisitor = await t.http.get(`/api/v1/statuses/${s.id}`);
    expect(asAlice.body).toMatchObject({ favourited: false, reblogged: false, bookmarked: false });
    expect(asVisitor.body.favourited).toBeUndefined();
  });
});

describe("DELETE /api/v1/statuses/:id", () => {
  it("deleting one's status returns it with its source text for redraft", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "À refaire #brouillon", { spoilerText: "cw" });
    const res = await t.http.delete(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: s.id, text: "À refaire #brouillon", spoiler_text: "cw" });
  });

  it("a deleted status can no longer be read", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Bientôt parti");
    await t.http.delete(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`)).status).toBe(404);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("deleting someone else's status is refused with 403 and the status remains", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "À moi");
    const res = await t.http.delete(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth);
    expect(res.status).toBe(403);
    expect((await t.http.get(`/api/v1/statuses/${s.id}`)).status).toBe(200);
  });

  it("deleting someone else's status the caller cannot see is 404", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Secret", { visibility: "private" });
    const res = await t.http.delete(`/api/v1/statuses/${s.id}`).set("Authorization", bob.auth);
    expect(res.status).toBe(404);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("deleting a status also removes the reblogs of it", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Partagé");
    await reblog(t.services.domain, bob.account, s.id);
    await t.http.delete(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("replies survive the deletion of their parent, without a parent id", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const parent = await createPost(t, alice, "Parent");
    const reply = await createPost(t, bob, "Réponse", { inReplyToId: parent.id });
    await t.http.delete(`/api/v1/statuses/${parent.id}`).set("Authorization", alice.auth);
    const res = await t.http.get(`/api/v1/statuses/${reply.id}`);
    expect(res.status).toBe(200);
    expect(res.body.in_reply_to_id).toBeNull();
  });

  it("deleting without a token is refused with 401", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Reste");
    const res = await t.http.delete(`/api/v1/statuses/${s.id}`);
    expect(res.status).toBe(401);
    expect(await countRows(t, "statuses")).toBe(1);
  });

  it("deleting an unknown id is 404", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.delete("/api/v1/statuses/424242").set("Authorization", alice.auth);
    expect(res.status).toBe(404);
  });

  it("deleting a non-numeric id is 404", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.delete("/api/v1/statuses/abc").set("Authorization", alice.auth);
    expect(res.status).toBe(404);
  });
});
