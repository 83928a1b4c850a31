// Moderation across two real Parvis instances on loopback: a report forwarded
// as a Flag from A's instance actor becomes a report on B (and nothing goes
// without `forward`); a remote account suspended on A, or its whole domain
// blocked, has its later activities refused; a resident suspended on A and
// purged after the grace is deleted on B (Delete(Person)).
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { rowsOf } from "../../../server/db/rows";
import { invalidateDomainPolicyCache, removeDomainPolicy } from "../../../server/domain/domains";
import { purgeExpiredSuspensions } from "../../../server/domain/moderation";
import {
  api,
  findRemote,
  follow,
  handleOf,
  post,
  resident,
  resolveStatus,
  settle,
  usePeers,
  waitForHomeStatus,
  TEST_TIMEOUT,
  type Peer,
} from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;
usePeers(2, (peers) => ([A, B] = peers));
afterEach(async () => {
  await removeDomainPolicy(A.services.domain, B.domain);
  invalidateDomainPolicyCache(A.services.domain);
});

async function rows<T>(peer: Peer, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await peer.services.db.execute(query));
}

interface ReportRow {
  id: string;
  comment: string;
  status_ids: string[];
  forwarded: boolean;
  reporter_uri: string;
  reporter_domain: string | null;
}

const reportsAgainst = (peer: Peer, accountId: string) =>
  rows<ReportRow>(
    peer,
    sql`select r.id::text as id, r.comment, r.status_ids, r.forwarded, a.uri as reporter_uri, a.domain as reporter_domain
        from reports r join accounts a on a.id = r.account_id where r.target_account_id = ${accountId} order by r.id`,
  );

const storedStatus = async (peer: Peer, uri: string) => (await rows<{ n: number }>(peer, sql`select count(*)::int as n from statuses where uri = ${uri}`))[0].n;

describe("a report forwarded to the reported account's server", { timeout: TEST_TIMEOUT }, () => {
  it("with forward: B stores a report from A's instance actor, naming the account and the post, never the reporter", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const bobPost = await post(B, bob, "Un message à signaler");
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    const postOnA = await resolveStatus(A, alice, bobPost.uri);
    expect(postOnA).toBeDefined();

    await api(A, alice, "POST", "/api/v1/reports", { account_id: bobOnA.id, status_ids: [postOnA!.id], comment: "Propos injurieux", category: "other", forward: true });
    const [onA] = await reportsAgainst(A, bobOnA.id);
    expect(onA).toMatchObject({ forwarded: true, reporter_uri: alice.account.uri });

    const [onB] = await waitFor(() => reportsAgainst(B, bob.account.id), (r: ReportRow[]) => r.length > 0);
    expect(onB).toMatchObject({ comment: "Propos injurieux", status_ids: [bobPost.id], reporter_uri: `${A.config.origin}/actor`, reporter_domain: A.domain });
    // B never learnt who reported: alice is not even known there
    expect(await rows(B, sql`select id from accounts where uri = ${alice.account.uri} or username = ${alice.account.username}`)).toEqual([]);
  });

  it("without forward: nothing is sent", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const bobOnA = await findRemote(A, alice, handleOf(B, bob));
    await api(A, alice, "POST", "/api/v1/reports", { account_id: bobOnA.id, comment: "Spam", category: "spam" });
    await api(A, alice, "POST", "/api/v1/reports", { account_id: bobOnA.id, comment: "Encore", category: "spam", forward: false });
    expect((await reportsAgainst(A, bobOnA.id)).map((r) => r.forwarded)).toEqual([false, false]);
    await settle([A, B]);
    expect(await reportsAgainst(B, bob.account.id)).toEqual([]);
  });
});

describe("moderation effects on federation", { timeout: TEST_TIMEOUT }, () => {
  it("a remote account suspended on A: its later posts are refused, nothing stored", async () => {
    const mod = await resident(A, "mod", { role: "moderator" });
    const alice = await resident(A, "alice");
    const carol = await resident(B, "carol");
    const carolOnA = await follow(A, alice, B, carol);
    // before: carol's posts reach alice
    const before = await post(B, carol, "Avant la suspension");
    await waitForHomeStatus(A, alice, before.uri);

    await api(A, mod, "POST", `/api/v1/admin/accounts/${carolOnA}/action`, { type: "suspend", text: "Harcèlement" });
    const after = await post(B, carol, "Après la suspension");
    await settle([A, B]);
    expect(await storedStatus(A, after.uri)).toBe(0);
    // and what was stored is hidden
    expect((await api<{ uri: string }[]>(A, alice, "GET", "/api/v1/timelines/home")).map((s) => s.uri)).not.toContain(before.uri);
  });

  it("a domain suspended on A (admin domain_blocks): its instance's posts are refused", async () => {
    const admin = await resident(A, "admin", { role: "admin" });
    const alice = await resident(A, "alice");
    const dave = await resident(B, "dave");
    await follow(A, alice, B, dave);
    const before = await post(B, dave, "Avant le blocage");
    await waitForHomeStatus(A, alice, before.uri);

    await api(A, admin, "POST", "/api/v1/admin/domain_blocks", { domain: B.domain, severity: "suspend", public_comment: "Spam" });
    const after = await post(B, dave, "Après le blocage");
    await settle([A, B]);
    expect(await storedStatus(A, after.uri)).toBe(0);
  });

  it("a resident suspended on A and purged after the grace: Delete(Person) removes them and their posts on B", async () => {
    const mod = await resident(A, "mod", { role: "moderator" });
    const erin = await resident(A, "erin");
    const frank = await resident(B, "frank");
    await follow(B, frank, A, erin);
    const erinPost = await post(A, erin, "Un message qui partira");
    await waitForHomeStatus(B, frank, erinPost.uri);
    expect(await storedStatus(B, erinPost.uri)).toBe(1);

    await api(A, mod, "POST", `/api/v1/admin/accounts/${erin.account.id}/action`, { type: "suspend", text: "Propos haineux répétés" });
    // suspended, not yet purged: B still has the account
    await settle([A, B]);
    expect(await rows(B, sql`select id from accounts where uri = ${erin.account.uri}`)).toHaveLength(1);

    const later = new Date(Date.now() + (A.config.suspensionGraceDays + 1) * 86_400_000);
    expect(await purgeExpiredSuspensions(A.services.domain, later)).toContain(erin.account.id);
    await waitFor(() => storedStatus(B, erinPost.uri), (n: number) => n === 0);
    expect(await rows(B, sql`select id from accounts where uri = ${erin.account.uri}`)).toEqual([]);
  });
});
