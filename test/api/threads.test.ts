// GET /api/v1/statuses/:id/context: ancestors and descendants, respecting visibility.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import { block } from "../../server/domain/blocks";
import { mute } from "../../server/domain/blocks";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("GET /api/v1/statuses/:id/context", () => {
  it("the context lists ancestors oldest first and descendants in thread order", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const root = await createPost(t, alice, "Racine");
    const a = await createPost(t, bob, "A", { inReplyToId: root.id });
    const b = await createPost(t, alice, "B", { inReplyToId: a.id });
    const a2 = await createPost(t, bob, "A2", { inReplyToId: root.id });
    const b1 = await createPost(t, alice, "B1", { inReplyToId: b.id });
    const mid = await t.http.get(`/api/v1/statuses/${b.id}/context`);
    expect(mid.status).toBe(200);
    expect(idsOf(mid.body.ancestors)).toEqual([root.id, a.id]);
    expect(idsOf(mid.body.descendants)).toEqual([b1.id]);
    const top = await t.http.get(`/api/v1/statuses/${root.id}/context`);
    expect(idsOf(top.body.ancestors)).toEqual([]);
    expect(idsOf(top.body.descendants)).toEqual([a.id, b.id, b1.id, a2.id]);
  });

  it("a status without replies has an empty context", async () => {
    const alice = await createResident(t, "alice");
    const root = await createPost(t, alice, "Seul");
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`);
    expect(res.body).toEqual({ ancestors: [], descendants: [] });
  });

  it("a followers-only reply is hidden from a stranger's context", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const stranger = await createResident(t, "stranger");
    const root = await createPost(t, alice, "Racine");
    const hidden = await createPost(t, bob, "Pour mes abonnés", { inReplyToId: root.id, visibility: "private" });
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`).set("Authorization", stranger.auth);
    expect(idsOf(res.body.descendants)).not.toContain(hidden.id);
  });

  it("a followers-only reply is hidden from a visitor's context", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const root = await createPost(t, alice, "Racine");
    await createPost(t, bob, "Pour mes abonnés", { inReplyToId: root.id, visibility: "private" });
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`);
    expect(res.body.descendants).toEqual([]);
  });

  it("a followers-only reply is shown in a follower's context", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await follow(t.services.domain, carol.account, bob.account);
    const root = await createPost(t, alice, "Racine");
    const hidden = await createPost(t, bob, "Pour mes abonnés", { inReplyToId: root.id, visibility: "private" });
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`).set("Authorization", carol.auth);
    expect(idsOf(res.body.descendants)).toEqual([hidden.id]);
  });

  it("an ancestor the viewer may not see is left out of the ancestors", async () => {
    const alice = await createResident(t, "alice");
    const stranger = await createResident(t, "stranger");
    const root = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const reply = await createPost(t, alice, "Suite publique", { inReplyToId: root.id });
    const res = await t.http.get(`/api/v1/statuses/${reply.id}/context`).set("Authorization", stranger.auth);
    expect(res.status).toBe(200);
    expect(res.body.ancestors).toEqual([]);
  });

  it("replies by an author who blocks the viewer are left out of the descendants", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const root = await createPost(t, alice, "Racine");
    const reply = await createPost(t, bob, "Réponse", { inReplyToId: root.id });
    await block(t.services.domain, bob.account.id, carol.account.id);
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`).set("Authorization", carol.auth);
    expect(idsOf(res.body.descendants)).not.toContain(reply.id);
  });

  it("replies by an account the viewer blocks are left out of the descendants", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const root = await createPost(t, alice, "Racine");
    const reply = await createPost(t, bob, "Réponse", { inReplyToId: root.id });
    await block(t.services.domain, carol.account.id, bob.account.id);
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`).set("Authorization", carol.auth);
    expect(idsOf(res.body.descendants)).not.toContain(reply.id);
  });

  it("replies by an account the viewer mutes are left out of the descendants", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const root = await createPost(t, alice, "Racine");
    const reply = await createPost(t, bob, "Réponse", { inReplyToId: root.id });
    await mute(t.services.domain, carol.account.id, bob.account.id);
    const res = await t.http.get(`/api/v1/statuses/${root.id}/context`).set("Authorization", carol.auth);
    expect(idsOf(res.body.descendants)).not.toContain(reply.id);
  });

  it("an ancestor by an account the viewer blocks is left out of the ancestors", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const root = await createPost(t, bob, "Racine");
    const reply = await createPost(t, alice, "Réponse", { inReplyToId: root.id });
    await block(t.services.domain, carol.account.id, bob.account.id);
    const res = await t.http.get(`/api/v1/statuses/${reply.id}/context`).set("Authorization", carol.auth);
    expect(res.body.ancestors).toEqual([]);
  });

  it("the context of a followers-only status is 404 for a stranger", async () => {
    const alice = await createResident(t, "alice");
    const stranger = await createResident(t, "stranger");
    const s = await createPost(t, alice, "Abonnés", { visibility: "private" });
    const res = await t.http.get(`/api/v1/statuses/${s.id}/context`).set("Authorization", stranger.auth);
    expect(res.status).toBe(404);
  });

  it("the context of an unknown status is 404", async () => {
    expect((await t.http.get("/api/v1/statuses/31415926/context")).status).toBe(404);
  });

  it("the context of a non-numeric id is 404", async () => {
    expect((await t.http.get("/api/v1/statuses/root/context")).status).toBe(404);
  });

  it("replies_count counts the direct replies of a status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const root = await createPost(t, alice, "Racine");
    const r1 = await createPost(t, bob, "R1", { inReplyToId: root.id });
    await createPost(t, bob, "R2", { inReplyToId: root.id });
    await createPost(t, alice, "R1a", { inReplyToId: r1.id });
    const res = await t.http.get(`/api/v1/statuses/${root.id}`);
    expect(res.body.replies_count).toBe(2);
  });
});
