// Where outgoing activities go: one request per remote server for a public
// post, followers-only posts only to servers with followers, direct posts
// only to the mentioned, retries, domain policy and recorded failures.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { deliveryFailures } from "../../../server/db/schema";
import type { Account } from "../../../server/domain/accounts";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { setSetting } from "../../../server/domain/instance";
import { setDomainPolicy } from "../../../federation/policy";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { sleep, waitFor } from "../../helpers/wait";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let alice: Resident;
const remotes: FakeRemote[] = [];

async function remote(options?: Parameters<typeof startFakeRemote>[0]): Promise<FakeRemote> {
  const r = await startFakeRemote({ deliveries: true, ...options });
  remotes.push(r);
  return r;
}

/** Remote accounts on `r` following alice. */
async function followers(r: FakeRemote, names: string[]): Promise<Account[]> {
  const ctx = t.services.domain;
  const accounts: Account[] = [];
  for (const name of names) {
    const account = await r.account(ctx, name);
    await follow(ctx, account, alice.account, { uri: `${account.uri}#follow` });
    accounts.push(account);
  }
  // the Accepts go out first: tests look at what follows
  await queueIsEmpty();
  return accounts;
}

const queueIsEmpty = () => drainOutbox(t);

const creates = (r: FakeRemote, content: string) =>
  r.received("Create/Note").filter((p) => String(p.activity.object.content).includes(content));

beforeAll(async () => {
  t = await startFederatedInstance();
});
afterAll(() => t.stop());
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  t.parvis.keys.forget("0");
  alice = await createResident(t, "alice");
});
afterEach(async () => {
  for (const r of remotes.splice(0)) await r.close();
});

describe("a public post", () => {
  it("makes exactly one request per remote server, to its shared inbox", async () => {
    const hosts = [await remote(), await remote(), await remote()];
    for (const [i, host] of hosts.entries()) await followers(host, [`a${i}`, `b${i}`, `c${i}`]);
    await createPost(t, alice, "Hello fediverse");
    await queueIsEmpty();
    const requests = hosts.map((h) => creates(h, "Hello fediverse").map((p) => p.path));
    expect(requests).toEqual([["/inbox"], ["/inbox"], ["/inbox"]]);
  });

  it("to six servers (through Fedify's fanout queue) still makes one request per server", async () => {
    const hosts: FakeRemote[] = [];
    for (let i = 0; i < 6; i++) hosts.push(await remote({ verify: false }));
    for (const [i, host] of hosts.entries()) await followers(host, [`d${i}`, `e${i}`]);
    await createPost(t, alice, "Fanned out");
    await queueIsEmpty();
    expect(hosts.map((h) => creates(h, "Fanned out").length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("is signed by its author's key", async () => {
    const host = await remote();
    await followers(host, ["bob"]);
    await createPost(t, alice, "Signed post");
    const [post] = await waitFor(() => creates(host, "Signed post"), (p) => p.length === 1 && p[0].verified !== undefined);
    expect([post.verified, post.error]).toEqual([true, undefined]);
  });

  it("goes to the personal inbox of a follower whose server has no shared inbox", async () => {
    const host = await remote({ sharedInbox: false });
    await followers(host, ["bob", "carol"]);
    await createPost(t, alice, "No shared inbox");
    await queueIsEmpty();
    expect(creates(host, "No shared inbox").map((p) => p.path).sort()).toEqual(["/users/bob/inbox", "/users/carol/inbox"]);
  });

  it("also reaches a mentioned actor on a server without followers", async () => {
    const host = await remote();
    const other = await remote();
    await followers(host, ["bob"]);
    await other.account(t.services.domain, "dan");
    await createPost(t, alice, `Hi @dan@${other.domain}`);
    await queueIsEmpty();
    expect([creates(host, "Hi").length, creates(other, "Hi").length]).toEqual([1, 1]);
  });

  it("sent to a server with followers and a mentioned actor makes one request there", async () => {
    const host = await remote();
    await followers(host, ["bob", "carol"]);
    await host.account(t.services.domain, "dan");
    await createPost(t, alice, `Hey @dan@${host.domain}`);
    await queueIsEmpty();
    expect(creates(host, "Hey").length).toBe(1);
  });

  it("a reply reaches the remote author of the parent", async () => {
    const host = await remote();
    const bob = await host.account(t.services.domain, "bob");
    const { storeStatus } = await import("../../../server/domain/statuses");
    const parent = await storeStatus(
      t.services.domain,
      { id: "100", uri: `${bob.uri}/statuses/1`, accountId: bob.id, content: "<p>question</p>", visibility: "public", local: false },
      [],
      [],
    );
    await createPost(t, alice, "An answer", { inReplyToId: parent.id });
    const [post] = await waitFor(() => creates(host, "An answer"), (p) => p.length === 1);
    expect(post.activity.object.inReplyTo).toBe(parent.uri);
  });
});

describe("a followers-only post", () => {
  it("goes only to servers where the author has followers", async () => {
    const withFollowers = await remote();
    const without = await remote();
    await followers(withFollowers, ["bob"]);
    await without.account(t.services.domain, "eve");
    await createPost(t, alice, "For my followers", { visibility: "private" });
    await queueIsEmpty();
    expect([creates(withFollowers, "For my followers").length, without.received("Create").length]).toEqual([1, 0]);
  });

  it("is addressed to the followers collection, not to Public", async () => {
    const host = await remote();
    await followers(host, ["bob"]);
    await createPost(t, alice, "Private words", { visibility: "private" });
    const [post] = await waitFor(() => creates(host, "Private words"), (p) => p.length === 1);
    const addressed = [...[post.activity.to ?? []].flat(), ...[post.activity.cc ?? []].flat()];
    expect(addressed).toEqual([`${t.config.origin}/users/alice/followers`]);
  });
});

describe("a direct post", () => {
  it("goes only to the mentioned actor's server, not to followers' servers", async () => {
    const followersHost = await remote();
    const mentionedHost = await remote();
    await followers(followersHost, ["bob"]);
    await mentionedHost.account(t.services.domain, "dan");
    await createPost(t, alice, `Secret for @dan@${mentionedHost.domain}`, { visibility: "direct" });
    await queueIsEmpty();
    expect([followersHost.received("Create").length, creates(mentionedHost, "Secret").length]).toEqual([0, 1]);
  });

  it("to a follower is not sent to that server's other followers as a followers post", async () => {
    const host = await remote();
    await followers(host, ["bob", "carol"]);
    await createPost(t, alice, `Just you @bob@${host.domain}`, { visibility: "direct" });
    const [post] = await waitFor(() => creates(host, "Just you"), (p) => p.length === 1);
    expect([post.activity.to, post.activity.cc ?? []]).toEqual([host.actorUri("bob"), []]);
  });
});

describe("deliveries that fail", () => {
  it("to a server that is down are retried with backoff and arrive once it is back", async () => {
    const host = await remote();
    await followers(host, ["bob"]);
    await host.down();
    await createPost(t, alice, "Are you there?");
    await waitFor(
      () => t.services.db.select().from(deliveryFailures).where(eq(deliveryFailures.inboxUrl, `${host.origin}/inbox`)),
      (rows) => rows.length > 0,
    );
    await host.up();
    const posts = await waitFor(() => creates(host, "Are you there?"), (p) => p.length === 1);
    expect(posts).toHaveLength(1);
  });

  it("that keep failing are recorded in delivery_failures and abandoned", async () => {
    const host = await remote();
    await followers(host, ["bob"]);
    host.answer(500);
    await createPost(t, alice, "Into the void");
    const rows = await waitFor(
      () => t.services.db.select().from(deliveryFailures).where(eq(deliveryFailures.inboxUrl, `${host.origin}/inbox`)),
      (r) => r.length === 1 && r[0].abandonedAt !== null,
      20_000,
    );
    // the first attempt, then maxAttempts (5) retries
    expect([rows[0].domain, rows[0].failures]).toEqual([host.domain, 6]);
  });

  it("never fail the local write", async () => {
    const host = await remote();
    await followers(host, ["bob"]);
    await host.down();
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Still posted" });
    expect(res.status).toBe(200);
  });
});

describe("domain policy", () => {
  it("nothing is delivered to a blocked domain", async () => {
    const blocked = await remote();
    const open = await remote();
    await followers(blocked, ["bob"]);
    await followers(open, ["carol"]);
    await setDomainPolicy(t.services.domain, blocked.domain, "block");
    await createPost(t, alice, "Not for them");
    await waitFor(() => creates(open, "Not for them"), (p) => p.length === 1);
    await queueIsEmpty();
    expect(blocked.received("Create").length).toBe(0);
  });

  it("in allowlist mode, nothing is delivered to an unlisted domain", async () => {
    const listed = await remote();
    const unlisted = await remote();
    await followers(listed, ["bob"]);
    await followers(unlisted, ["carol"]);
    await setSetting(t.services.domain, "federation_mode", "allowlist");
    await setDomainPolicy(t.services.domain, listed.domain, "allow");
    invalidateDomainPolicyCache(t.services.domain);
    await createPost(t, alice, "Neighbours only");
    await waitFor(() => creates(listed, "Neighbours only"), (p) => p.length === 1);
    await queueIsEmpty();
    expect(unlisted.received("Create").length).toBe(0);
  });
});
