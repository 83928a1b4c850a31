// The public moderation log over HTTP: entries written by rule and domain changes,
// anonymisation, paging and filters, verification, the ActivityPub collection.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appendLogEntry } from "../../server/domain/moderation";
import { rowsOf } from "../../server/db/rows";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((x) => (t = x));


async function logRows() {
  return rowsOf<{ seq: number; action: string; target_id: string; public_reason: string; actor_role: string; staff_account_id: string | null; rule_ids: string[] }>(
    await t.services.db.execute(sql`select seq::int, action, target_id, public_reason, actor_role, staff_account_id::text, rule_ids from moderation_log order by seq`),
  );
}

async function addRule(admin: Resident, text: string) {
  const res = await t.http.post("/api/parvis/admin/rules").set("Authorization", admin.auth).send({ text });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

describe("what writes entries", () => {
  it("adding, changing and removing a rule each write an entry naming the role, never the admin", async () => {
    const admin = await createResident(t, "maire", { role: "admin" });
    const id = await addRule(admin, "Pas d’insultes");
    const patched = await t.http.patch(`/api/parvis/admin/rules/${id}`).set("Authorization", admin.auth).send({ text: "Pas d’insultes ni de menaces", reason: "Précision" });
    expect(patched.status).toBe(200);
    expect(patched.body.text).toBe("Pas d’insultes ni de menaces");
    expect((await t.http.delete(`/api/parvis/admin/rules/${id}`).set("Authorization", admin.auth)).status).toBe(200);

    const rows = await logRows();
    expect(rows.map((r) => [r.action, r.target_id, r.public_reason, r.actor_role, r.staff_account_id])).toEqual([
      ["rule_added", id, "Pas d’insultes", "admin", admin.account.id],
      ["rule_changed", id, "Précision", "admin", admin.account.id],
      ["rule_removed", id, "Pas d’insultes ni de menaces", "admin", admin.account.id],
    ]);
    const pub = await t.http.get("/api/parvis/moderation_log");
    expect(pub.status).toBe(200);
    expect(JSON.stringify(pub.body)).not.toContain("maire");
    expect(JSON.stringify(pub.body)).not.toContain(admin.account.id);
    expect(pub.body[0]).toMatchObject({ id: "3", action: "rule_removed", actor_role: "admin", target: { type: "rule", id, anonymised: false } });
  });

  it("blocking, allowing and removing a domain write entries with the cited rules", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const rule = await addRule(admin, "Pas de spam");
    const block = await t.http
      .post("/api/parvis/admin/domains")
      .set("Authorization", admin.auth)
      .send({ domain: "Spam.Example", policy: "block", reason: "internal note", public_reason: "Spam massif", rule_ids: [rule] });
    expect(block.status).toBe(200);
    expect((await t.http.post("/api/parvis/admin/domains").set("Authorization", admin.auth).send({ domain: "amis.example", policy: "allow" })).status).toBe(200);
    expect((await t.http.delete("/api/parvis/admin/domains/spam.example?reason=Fin%20du%20spam").set("Authorization", admin.auth)).status).toBe(200);
    const rows = (await logRows()).slice(1);
    expect(rows.map((r) => [r.action, r.target_id, r.public_reason, r.rule_ids])).toEqual([
      ["domain_blocked", "spam.example", "Spam massif", [rule]],
      ["domain_allowed", "amis.example", "", []],
      ["domain_unblocked", "spam.example", "Fin du spam", []],
    ]);
    const pub = (await t.http.get("/api/parvis/moderation_log")).body;
    expect(pub[2]).toMatchObject({ target: { type: "domain", id: "spam.example", label: "spam.example" }, rules: [{ id: rule, text: "Pas de spam" }] });
  });

  it("a new charter writes an entry pinning its SHA-256; saving the same text again writes none", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const charter = "Charte de Testville : respect et bienveillance.";
    for (let i = 0; i < 2; i++) {
      const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ charter, charter_reason: "Adoptée en conseil municipal" });
      expect(res.status).toBe(200);
    }
    const { createHash } = await import("node:crypto");
    expect((await logRows()).map((r) => [r.action, r.target_id, r.public_reason])).toEqual([
      ["charter_changed", createHash("sha256").update(charter, "utf8").digest("hex"), "Adoptée en conseil municipal"],
    ]);
    expect((await t.http.get("/api/v2/instance")).body.parvis.charter).toBe(charter);
  });

  it("a rule id that does not exist is refused and nothing changes", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const res = await t.http.post("/api/parvis/admin/domains").set("Authorization", admin.auth).send({ domain: "x.example", policy: "block", rule_ids: ["123"] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/unknown rule/);
    expect(await logRows()).toEqual([]);
    expect((await t.http.get("/api/parvis/admin/domains").set("Authorization", admin.auth)).body).toEqual([]);
  });

  it("a moderator or a resident cannot change rules, and nothing is logged", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const someone = await createResident(t, "someone");
    for (const who of [mod, someone]) {
      expect((await t.http.post("/api/parvis/admin/rules").set("Authorization", who.auth).send({ text: "x" })).status).toBe(403);
    }
    expect(await logRows()).toEqual([]);
  });

  it("bad rule and domain bodies answer 4xx with an error and store nothing", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const id = await addRule(admin, "Une règle");
    const bad: [string, string, unknown][] = [
      ["post", "/api/parvis/admin/rules", { text: "" }],
      ["post", "/api/parvis/admin/rules", { text: 42 }],
      ["post", "/api/parvis/admin/rules", { text: "ok", reason: "x".repeat(2001) }],
      ["patch", `/api/parvis/admin/rules/${id}`, { text: ["a"] }],
      ["patch", `/api/parvis/admin/rules/${id}`, { colour: "red" }],
      ["post", "/api/parvis/admin/domains", { domain: "x.example", policy: "block", rule_ids: "1" }],
      ["post", "/api/parvis/admin/domains", { domain: "x.example", policy: "block", rule_ids: ["'; drop table moderation_log; --"] }],
    ];
    for (const [method, path, body] of bad) {
      const res = await (t.http as unknown as Record<string, (p: string) => import("supertest").Test>)[method](path).set("Authorization", admin.auth).send(body as object);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
    const malformed = await t.http.post("/api/parvis/admin/rules").set("Authorization", admin.auth).set("Content-Type", "application/json").send('{"text": ');
    expect(malformed.status).toBe(400);
    expect((await t.http.patch("/api/parvis/admin/rules/999").set("Authorization", admin.auth).send({ text: "x" })).status).toBe(404);
    expect((await t.http.patch("/api/parvis/admin/rules/abc").set("Authorization", admin.auth).send({ text: "x" })).status).toBe(404);
    expect((await t.http.delete("/api/parvis/admin/rules/999").set("Authorization", admin.auth)).status).toBe(404);
    expect((await logRows()).map((r) => r.action)).toEqual(["rule_added"]);
  });
});

describe("anonymisation", () => {
  it("hides a local resident's name, id and nonce by default, shows them when the admin chooses so", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    const bob = await createResident(t, "bob");
    const post = await createPost(t, bob, "un message");
    await appendLogEntry(t.services.domain, { action: "account_silenced", target: { type: "account", id: bob.account.id }, actorRole: "moderator", publicReason: "Propos injurieux" });
    await appendLogEntry(t.services.domain, { action: "status_removed", target: { type: "status", id: post.id }, actorRole: "moderator" });

    const hidden = (await t.http.get("/api/parvis/moderation_log")).body;
    expect(hidden.map((e: { target: unknown; nonce: unknown }) => [e.target, e.nonce])).toEqual([
      [{ type: "status", id: null, label: null, local: true, anonymised: true }, null],
      [{ type: "account", id: null, label: null, local: true, anonymised: true }, null],
    ]);
    expect(JSON.stringify(hidden)).not.toContain("bob");
    expect(hidden[1].public_reason).toBe("Propos injurieux");

    const set = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ moderation_log_anonymise: false });
    expect(set.status).toBe(200);
    expect(set.body.moderation_log_anonymise).toBe(false);
    const shown = (await t.http.get("/api/parvis/moderation_log")).body;
    expect(shown[1].target).toEqual({ type: "account", id: bob.account.id, label: "bob", local: true, anonymised: false });
    expect(shown[0].target).toMatchObject({ type: "status", id: post.id, label: "bob" });
    expect(shown[1].nonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it("the anonymisation setting refuses anything but a boolean", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    for (const value of ["yes", 1, null]) {
      const res = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ moderation_log_anonymise: value });
      expect(res.status).toBe(422);
    }
    expect((await t.http.get("/api/parvis/admin/settings").set("Authorization", admin.auth)).body.moderation_log_anonymise).toBe(true);
  });
});

describe("reading the log", () => {
  async function fill(n: number) {
    for (let i = 0; i < n; i++) {
      await appendLogEntry(t.services.domain, { action: i % 2 ? "domain_allowed" : "domain_blocked", target: { type: "domain", id: `d${i}.example` }, actorRole: "admin" });
    }
  }

  it("needs no login, pages with Link and filters by action and rule", async () => {
    const admin = await createResident(t, "admin", { role: "admin" });
    await fill(5);
    const first = await t.http.get("/api/parvis/moderation_log?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.map((e: { id: string }) => e.id)).toEqual(["5", "4"]);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)![1];
    const second = await t.http.get(new URL(next).pathname + new URL(next).search);
    expect(second.body.map((e: { id: string }) => e.id)).toEqual(["3", "2"]);
    const allowed = await t.http.get("/api/parvis/moderation_log?action=domain_allowed");
    expect(allowed.body.map((e: { id: string }) => e.id)).toEqual(["4", "2"]);

    const rule = await addRule(admin, "Respect");
    await appendLogEntry(t.services.domain, { action: "domain_blocked", target: { type: "domain", id: "r.example" }, ruleIds: [rule], actorRole: "moderator" });
    const byRule = await t.http.get(`/api/parvis/moderation_log?rule_id=${rule}`);
    // the rule's own "rule_added" entry cites it too
    expect(byRule.body.map((e: { action: string }) => e.action)).toEqual(["domain_blocked", "rule_added"]);
  });

  it("bad filters answer 422 with an error", async () => {
    for (const q of ["action=nuke", "rule_id=abc", "rule_id=99999999999999999999999", "action[]=x", "action=%27%3B%20drop"]) {
      const res = await t.http.get(`/api/parvis/moderation_log?${q}`);
      expect(res.status, q).toBe(422);
      expect(typeof res.body.error).toBe("string");
    }
    expect((await t.http.get("/api/parvis/moderation_log?limit=abc")).status).toBe(200);
  });

  it("verify reports an intact chain, then the first broken entry after a row is edited", async () => {
    await fill(4);
    const ok = await t.http.get("/api/parvis/moderation_log/verify");
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, entries: 4, first_broken: null, signature: "valid", algorithm: "RSASSA-PKCS1-v1_5 SHA-256" });
    expect(ok.body.public_key_pem).toContain("BEGIN PUBLIC KEY");
    await t.services.db.execute(sql`update moderation_log set target_id = 'innocent.example' where seq = 2`);
    const broken = await t.http.get("/api/parvis/moderation_log/verify");
    expect(broken.body).toMatchObject({ ok: false, entries: 4, first_broken: { seq: 2, reason: "content_hash" } });
  });
});
