// POST /api/v1/reports: a resident reports an account and some of its posts.
import { describe, expect, it } from "vitest";
import { upsertRemoteAccount } from "../../server/domain/accounts";
import { addRule } from "../../server/domain/instance";
import { storeRemoteStatus } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { countRows } from "../helpers/api";
import { expectError, INJECTIONS } from "../helpers/accounts-suite";
import { createPost, createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((started) => (t = started));

async function remoteAuthor() {
  const ctx = t.services.domain;
  const account = await upsertRemoteAccount(ctx, {
    uri: "https://voisins.example/users/irene",
    username: "irene",
    domain: "voisins.example",
    inboxUrl: "https://voisins.example/users/irene/inbox",
    sharedInboxUrl: "https://voisins.example/inbox",
  });
  const status = await storeRemoteStatus(ctx, { uri: "https://voisins.example/notes/1", authorId: account.id, content: "<p>achetez</p>", visibility: "public" });
  return { account, status };
}

describe("POST /api/v1/reports", () => {
  it("a resident reports an account's post for breaking a rule, and moderators find it in the queue", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const mod = await createResident(t, "mod", { role: "moderator" });
    const rule = await addRule(t.services.domain, "Pas d'insultes");
    const post = await createPost(t, bob, "insulte");
    const res = await t.http
      .post("/api/v1/reports")
      .set("Authorization", alice.auth)
      .send({ account_id: bob.account.id, status_ids: [post.id], comment: "Ce n'est pas correct", category: "violation", rule_ids: [rule.id] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      action_taken: false,
      category: "violation",
      comment: "Ce n'est pas correct",
      forwarded: false,
      status_ids: [post.id],
      rule_ids: [rule.id],
      target_account: { id: bob.account.id },
    });
    const queue = await t.http.get("/api/v1/admin/reports").set("Authorization", mod.auth);
    expect(queue.body.map((r: { id: string }) => r.id)).toEqual([res.body.id]);
    expect(queue.body[0].statuses.map((s: { id: string }) => s.id)).toEqual([post.id]);
    expect(queue.body[0].rules.map((r: { text: string }) => r.text)).toEqual(["Pas d'insultes"]);
  });

  it("form-encoded reports with status_ids[] are accepted, as Mastodon apps send them", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const a = await createPost(t, bob, "un");
    const b = await createPost(t, bob, "deux");
    const res = await t.http.post("/api/v1/reports").set("Authorization", alice.auth).type("form").send(`account_id=${bob.account.id}&status_ids[]=${a.id}&status_ids[]=${b.id}&category=spam`);
    expect(res.status).toBe(200);
    expect([...res.body.status_ids].sort()).toEqual([a.id, b.id].sort());
  });

  it("a report of a remote account with forward asks the outbox to send a Flag, without the reporter's name", async () => {
    const alice = await createResident(t, "alice");
    const { account, status } = await remoteAuthor();
    const seen: DomainEvents["report.forward_requested"][] = [];
    const off = t.services.events.on("report.forward_requested", (e) => void seen.push(e));
    try {
      const res = await t.http
        .post("/api/v1/reports")
        .set("Authorization", alice.auth)
        .send({ account_id: account.id, status_ids: [status.id], comment: "spam", category: "spam", forward: true });
      expect(res.status).toBe(200);
      expect(res.body.forwarded).toBe(true);
      await t.services.events.settle();
    } finally {
      off();
    }
    expect(seen).toEqual([
      {
        reportId: expect.any(String),
        targetAccountId: account.id,
        targetAccountUri: account.uri,
        inboxUrl: "https://voisins.example/inbox",
        statusUris: ["https://voisins.example/notes/1"],
        comment: "spam",
      },
    ]);
    expect(JSON.stringify(seen)).not.toContain("alice");
  });

  it("forward is ignored for a local account", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send({ account_id: bob.account.id, forward: true });
    expect(res.status).toBe(200);
    expect(res.body.forwarded).toBe(false);
  });

  it("a post of another account, a post the reporter cannot see, an unknown rule or a rule without violation store nothing", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const rule = await addRule(t.services.domain, "Respect");
    const carolPost = await createPost(t, carol, "hello");
    const hidden = await createPost(t, bob, "pour mes abonnés", { visibility: "private" });
    const cases: Record<string, unknown>[] = [
      { account_id: bob.account.id, status_ids: [carolPost.id] },
      { account_id: bob.account.id, status_ids: [hidden.id] },
      { account_id: bob.account.id, status_ids: ["999999999"] },
      { account_id: bob.account.id, category: "violation", rule_ids: ["999999999"] },
      { account_id: bob.account.id, category: "violation" },
      { account_id: bob.account.id, category: "spam", rule_ids: [rule.id] },
      { account_id: alice.account.id },
    ];
    for (const body of cases) {
      const res = await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send(body);
      expectError(res, 422);
    }
    expect(await countRows(t, "reports")).toBe(0);
  });

  it("malformed, mistyped, oversized and injected input is refused with a 4xx and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const malformed = await t.http.post("/api/v1/reports").set("Authorization", alice.auth).set("Content-Type", "application/json").send("{not json");
    expect(malformed.status).toBe(400);
    const bad: unknown[] = [
      {},
      { account_id: 12 },
      { account_id: "abc" },
      { account_id: "99999999999999999999999" },
      { account_id: bob.account.id, category: "rude" },
      { account_id: bob.account.id, comment: "x".repeat(1001) },
      { account_id: bob.account.id, comment: 42 },
      { account_id: bob.account.id, status_ids: "nope" },
      { account_id: bob.account.id, status_ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) },
      { account_id: bob.account.id, forward: "maybe" },
      [bob.account.id],
      ...INJECTIONS.map((s) => ({ account_id: s })),
      ...INJECTIONS.map((s) => ({ account_id: bob.account.id, status_ids: [s] })),
    ];
    for (const body of bad) {
      const res = await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expectError(await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send({ account_id: "123456789" }), 404);
    expect(await countRows(t, "reports")).toBe(0);
  });

  it("an injection string in the comment is stored as plain text", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const res = await t.http.post("/api/v1/reports").set("Authorization", alice.auth).send({ account_id: bob.account.id, comment: INJECTIONS.join(" ") });
    expect(res.status).toBe(200);
    expect(res.body.comment).not.toContain("<script>");
    expect(res.body.comment).toContain("drop table accounts");
  });

  it("reporting needs a logged-in resident with the write:reports scope", async () => {
    const bob = await createResident(t, "bob");
    expectError(await t.http.post("/api/v1/reports").send({ account_id: bob.account.id }), 401);
    expect(await countRows(t, "reports")).toBe(0);
  });
});
