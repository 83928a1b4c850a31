// The moderation log's chain: entries, hashes, signature, tampering, concurrency.
import { createPublicKey, verify } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  appendLogEntry,
  canonicalJson,
  chainHash,
  contentHash,
  entryContent,
  GENESIS_HASH,
  instancePublicKeyPem,
  listLogEntries,
  verifyLog,
} from "../../server/domain/moderation";
import { signHash } from "../../server/domain/moderation/log-signature";
import { addRule } from "../../server/domain/instance";
import { rowsOf } from "../../server/db/rows";
import { moderationLog } from "../../server/db/schema";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((x) => (t = x));

const ctx = () => t.services.domain;
const page = { limit: 40 };

async function someEntries(n: number) {
  const rule = await addRule(ctx(), "Be kind");
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await appendLogEntry(ctx(), {
        action: "domain_blocked",
        target: { type: "domain", id: `spam${i}.example` },
        ruleIds: [rule.id],
        publicReason: `Spam wave ${i} — « vague »`,
        actorRole: "admin",
      }),
    );
  }
  return out;
}

describe("canonical JSON", () => {
  it("sorts keys, drops whitespace, keeps UTF-8 text as is and refuses floats", () => {
    expect(canonicalJson({ b: [2, "é\u0000\"", true], a: null, c: { z: 1, y: false } })).toBe('{"a":null,"b":[2,"é\\u0000\\"",true],"c":{"y":false,"z":1}}');
    expect(() => canonicalJson({ x: 1.5 })).toThrow();
  });
});

describe("appending", () => {
  it("stores the entry, chains it to the previous one and signs the hash with the instance key", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const [first, second] = await someEntries(2);
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    expect(second.contentHash).toBe(contentHash(second));
    expect(second.hash).toBe(chainHash(first.hash, second.contentHash));
    expect(second.publicReason).toBe("Spam wave 1 — « vague »");
    expect(second.targetLocal).toBe(false);

    const third = await appendLogEntry(ctx(), { action: "account_silenced", target: { type: "account", id: mod.account.id }, actorRole: "moderator", staffAccountId: mod.account.id });
    expect(third.targetLocal).toBe(true);
    expect(third.staffAccountId).toBe(mod.account.id);
    const pem = await instancePublicKeyPem(ctx().db);
    expect(verify("sha256", Buffer.from(third.hash, "ascii"), createPublicKey(pem!), Buffer.from(third.signature, "base64"))).toBe(true);
  });

  it("the staff account is outside the hashed content: the content names the role only", async () => {
    const mod = await createResident(t, "mod", { role: "moderator" });
    const entry = await appendLogEntry(ctx(), { action: "account_silenced", target: { type: "account", id: mod.account.id }, actorRole: "moderator", staffAccountId: mod.account.id });
    const text = canonicalJson(entryContent(entry));
    expect(contentHash(entry)).toBe(entry.contentHash);
    expect(JSON.parse(text)).toEqual({
      v: 1,
      seq: 1,
      created_at: entry.createdAt.toISOString(),
      action: "account_silenced",
      target_type: "account",
      target_id: mod.account.id,
      target_local: true,
      rule_ids: [],
      public_reason: "",
      actor_role: "moderator",
      nonce: entry.nonce,
    });
    // the staff column is not hashed: changing it leaves the chain whole
    await t.services.db.execute(sql`update moderation_log set staff_account_id = null`);
    expect((await verifyLog(ctx())).ok).toBe(true);
  });

  it("refuses bad input and stores nothing", async () => {
    const bad = [
      { action: "nuke", target: { type: "domain", id: "x.example" }, actorRole: "admin" },
      { action: "domain_blocked", target: { type: "domain", id: "" }, actorRole: "admin" },
      { action: "domain_blocked", target: { type: "planet", id: "x" }, actorRole: "admin" },
      { action: "account_silenced", target: { type: "account", id: "'; drop table moderation_log; --" }, actorRole: "admin" },
      { action: "domain_blocked", target: { type: "domain", id: "x.example" }, actorRole: "mayor" },
      { action: "domain_blocked", target: { type: "domain", id: "x.example" }, actorRole: "admin", ruleIds: ["abc"] },
      { action: "domain_blocked", target: { type: "domain", id: "x.example" }, actorRole: "admin", publicReason: "x".repeat(2001) },
    ];
    for (const input of bad) await expect(appendLogEntry(ctx(), input as never)).rejects.toMatchObject({ status: 422 });
    expect(rowsOf<{ n: number }>(await t.services.db.execute(sql`select count(*)::int as n from moderation_log`))[0].n).toBe(0);
  });
});

describe("verification", () => {
  it("an intact chain verifies, with a valid signature on its head", async () => {
    expect(await verifyLog(ctx())).toEqual({ ok: true, entries: 0, head: null, firstBroken: null, signature: "empty" });
    const entries = await someEntries(5);
    const result = await verifyLog(ctx());
    expect(result).toEqual({ ok: true, entries: 5, head: { seq: 5, hash: entries[4].hash }, firstBroken: null, signature: "valid" });
  });

  it("a row edited in the database breaks the chain at that entry", async () => {
    await someEntries(6);
    await t.services.db.execute(sql`update moderation_log set public_reason = 'nothing happened' where seq = 3`);
    const result = await verifyLog(ctx());
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ seq: 3, reason: "content_hash" });
  });

  it("an edit that also recomputes the entry's own hashes breaks at the next entry", async () => {
    const entries = await someEntries(4);
    const forged = { ...entries[1], publicReason: "forged" };
    const forgedContent = contentHash(forged);
    await t.services.db.execute(
      sql`update moderation_log set public_reason = 'forged', content_hash = ${forgedContent}, hash = ${chainHash(forged.prevHash, forgedContent)} where seq = 2`,
    );
    expect((await verifyLog(ctx())).firstBroken).toEqual({ seq: 3, reason: "prev_hash" });
  });

  it("a removed entry is found at the one after the gap", async () => {
    await someEntries(4);
    await t.services.db.execute(sql`delete from moderation_log where seq = 2`);
    expect((await verifyLog(ctx())).firstBroken).toEqual({ seq: 3, reason: "seq" });
  });

  it("a head whose signature was replaced fails the signature check", async () => {
    const entries = await someEntries(2);
    await t.services.db.execute(sql`update moderation_log set signature = ${entries[0].signature} where seq = 2`);
    const result = await verifyLog(ctx());
    expect(result.firstBroken).toBeNull();
    expect(result.signature).toBe("invalid");
    expect(result.ok).toBe(false);
  });

  it("without the instance key, or with another one, the head's signature does not verify", async () => {
    await someEntries(2);
    await t.services.db.execute(sql`delete from actor_keys where account_id = 0`);
    expect(await verifyLog(ctx())).toMatchObject({ ok: false, firstBroken: null, signature: "no_key" });
    // a new key (as after a rotation) did not sign the head
    await signHash(ctx().db, "anything");
    expect(await verifyLog(ctx())).toMatchObject({ ok: false, firstBroken: null, signature: "invalid" });
  });
});

describe("concurrency", () => {
  it("twenty appends at once make one chain without fork or gap", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendLogEntry(ctx(), { action: "domain_blocked", target: { type: "domain", id: `race${i}.example` }, actorRole: "admin" }),
      ),
    );
    const rows = await t.services.db.select().from(moderationLog).orderBy(moderationLog.seq);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(20);
    expect((await verifyLog(ctx())).ok).toBe(true);
  });
});

describe("listing", () => {
  it("pages newest first and filters by action and rule", async () => {
    const entries = await someEntries(5);
    const other = await addRule(ctx(), "No spam");
    await appendLogEntry(ctx(), { action: "domain_allowed", target: { type: "domain", id: "ok.example" }, ruleIds: [other.id], actorRole: "admin" });
    const all = await listLogEntries(ctx(), page);
    expect(all.map((v) => v.entry.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await listLogEntries(ctx(), { limit: 2, maxId: "5" })).map((v) => v.entry.seq)).toEqual([4, 3]);
    expect((await listLogEntries(ctx(), { limit: 2, minId: "1" })).map((v) => v.entry.seq)).toEqual([3, 2]);
    expect((await listLogEntries(ctx(), page, { action: "domain_allowed" })).map((v) => v.entry.seq)).toEqual([6]);
    const byRule = await listLogEntries(ctx(), page, { ruleId: entries[0].ruleIds[0] });
    expect(byRule.map((v) => v.entry.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(byRule[0].rules).toEqual([{ id: entries[0].ruleIds[0], text: "Be kind" }]);
    expect(byRule[0].targetLabel).toBe("spam4.example");
  });
});
