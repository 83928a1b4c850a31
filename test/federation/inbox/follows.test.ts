// Follows, blocks, moves and interactions arriving from a remote server, and
// remote resolution through search.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accountMoves, followRequests, follows } from "../../../server/db/schema";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { setDomainPolicy } from "../../../federation/policy";
import { findAccountByUri } from "../../../server/domain/accounts";
import { findStatusByUri } from "../../../server/domain/statuses";
import { countRows } from "../../helpers/api";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, loadFixture, remoteAccount, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";

const AS = "https://www.w3.org/ns/activitystreams";

let t: FederatedInstance;
let remote: FakeRemote;
let bob: FakeActor;
let asonix: FakeActor;
let alice: Resident;
let aliceUri: string;
let n = 0;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
  bob = await remote.addActor("/users/bob");
  asonix = await remote.addActor("/users/asonix");
});
afterAll(async () => {
  await remote.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  alice = await createResident(t, "alice");
  aliceUri = `${t.config.origin}/users/alice`;
});

const inbox = () => `${t.config.origin}/inbox`;

async function deliver(activity: Json, to = inbox()): Promise<void> {
  const res = await remote.post(to, activity);
  expect(res.status).toBe(202);
  await inboxIdle(t);
}

const masto = (file: string) =>
  loadFixture(file, { "https://masto.asonix.dog": remote.origin, "https://ds9.lemmy.ml/c/testcom": `${t.config.origin}/users/alice` });

async function followersOfAlice(): Promise<string[]> {
  const res = await t.http.get(`/api/v1/accounts/${alice.account.id}/followers`).set("Authorization", alice.auth);
  return res.body.map((a: { acct: string }) => a.acct);
}

describe("a Mastodon Follow", () => {
  it("of an unlocked resident makes the remote actor a follower", async () => {
    await deliver(masto("mastodon-follow.json"));
    expect(await followersOfAlice()).toEqual([`asonix@${remote.domain}`]);
  });

  it("of a locked resident becomes a follow request", async () => {
    const locked = await createResident(t, "lockedlou", { locked: true });
    await deliver(loadFixture("mastodon-follow.json", { "https://masto.asonix.dog": remote.origin, "https://ds9.lemmy.ml/c/testcom": `${t.config.origin}/users/lockedlou` }));
    const res = await t.http.get("/api/v1/follow_requests").set("Authorization", locked.auth);
    expect(res.body.map((a: { acct: string }) => a.acct)).toEqual([`asonix@${remote.domain}`]);
  });

  it("of an unknown local account has no effect", async () => {
    await deliver(loadFixture("mastodon-follow.json", { "https://masto.asonix.dog": remote.origin, "https://ds9.lemmy.ml/c/testcom": `${t.config.origin}/users/nobody` }));
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("undone by Undo(Follow) removes the follower", async () => {
    await deliver(masto("mastodon-follow.json"));
    await deliver(masto("mastodon-undo-follow.json"));
    expect(await followersOfAlice()).toEqual([]);
  });

  it("undone by an Undo naming only the Follow's id removes the follower", async () => {
    const f = masto("mastodon-follow.json");
    await deliver(f);
    await deliver({ "@context": AS, id: `${asonix.id}#undo/${++n}`, type: "Undo", actor: asonix.id, object: f.id });
    expect(await followersOfAlice()).toEqual([]);
  });
});

describe("a Lemmy Accept of a resident's follow", () => {
  let group: FakeActor;
  beforeAll(async () => {
    group = await remote.addActor("/c/main", { type: "Group" });
  });

  async function aliceAsksToFollowGroup() {
    const account = await remoteAccount(t, group.id);
    await follow(t.services.domain, alice.account, account);
    return account;
  }

  const accept = () =>
    loadFixture("lemmy-accept-follow.json", { "http://enterprise.lemmy.ml": remote.origin, "http://ds9.lemmy.ml/u/lemmy_alpha": aliceUri, "http://ds9.lemmy.ml": t.config.origin });

  async function relationship(accountId: string) {
    const res = await t.http.get(`/api/v1/accounts/relationships?id[]=${accountId}`).set("Authorization", alice.auth);
    return { following: res.body[0].following, requested: res.body[0].requested };
  }

  it("turns the request into a follow", async () => {
    const account = await aliceAsksToFollowGroup();
    await deliver(accept());
    expect(await relationship(account.id)).toEqual({ following: true, requested: false });
  });

  it("sent by another actor than the followed one leaves the request pending", async () => {
    const account = await aliceAsksToFollowGroup();
    await deliver({ ...accept(), actor: bob.id, id: `${bob.id}#accepts/${++n}` });
    expect(await relationship(account.id)).toEqual({ following: false, requested: true });
  });

  it("replaced by a Reject removes the request", async () => {
    const account = await aliceAsksToFollowGroup();
    await deliver({ ...accept(), type: "Reject", id: `${group.id}#rejects/${++n}` });
    expect(await relationship(account.id)).toEqual({ following: false, requested: false });
  });
});

describe("a remote Block", () => {
  const blockActivity = () => ({ "@context": AS, id: `${bob.id}#blocks/${++n}`, type: "Block", actor: bob.id, object: aliceUri });

  it("of a resident ends the remote actor's follow of them and records the block", async () => {
    await deliver({ "@context": AS, id: `${bob.id}#follows/${++n}`, type: "Follow", actor: bob.id, object: aliceUri });
    await deliver(blockActivity());
    expect([await countRows(t, "follows"), await countRows(t, "blocks")]).toEqual([0, 1]);
  });

  it("undone by Undo(Block) is removed", async () => {
    const b = blockActivity();
    await deliver(b);
    await deliver({ "@context": AS, id: `${bob.id}#undo/${++n}`, type: "Undo", actor: bob.id, object: b });
    expect(await countRows(t, "blocks")).toBe(0);
  });
});

describe("likes and boosts of a resident's post", () => {
  it("an Undo(Like) removes the favourite", async () => {
    const post = await createPost(t, alice, "liked then not");
    const like = { "@context": AS, id: `${bob.id}#likes/${++n}`, type: "Like", actor: bob.id, object: post.uri };
    await deliver(like);
    await deliver({ "@context": AS, id: `${bob.id}#undo/${++n}`, type: "Undo", actor: bob.id, object: like });
    const res = await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth);
    expect(res.body.favourites_count).toBe(0);
  });

  it("a Misskey-style Like with an emoji counts as a favourite", async () => {
    const post = await createPost(t, alice, "react to me");
    await deliver({ "@context": AS, id: `${bob.id}#reactions/${++n}`, type: "Like", actor: bob.id, object: post.uri, content: "🍮", _misskey_reaction: "🍮" });
    const res = await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth);
    expect(res.body.favourites_count).toBe(1);
  });

  it("an Announce counts as a reblog, and its Undo removes it", async () => {
    const post = await createPost(t, alice, "boost me");
    const announce = { "@context": AS, id: `${bob.id}/announces/${++n}`, type: "Announce", actor: bob.id, object: post.uri, to: [`${AS}#Public`] };
    await deliver(announce);
    const before = (await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth)).body.reblogs_count;
    await deliver({ "@context": AS, id: `${bob.id}#undo/${++n}`, type: "Undo", actor: bob.id, object: announce });
    const after = (await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth)).body.reblogs_count;
    expect([before, after]).toEqual([1, 0]);
  });
});

describe("a Mastodon Move", () => {
  async function move(withAlias: boolean) {
    const old = await remote.addActor(`/users/old${++n}`);
    const target = await remote.addActor(`/users/new${n}`, withAlias ? { extra: { alsoKnownAs: [old.id] } } : {});
    // alice follows the account that moves
    await followRemote(t, alice, old.id);
    await deliver(
      loadFixture("mastodon-move.json", {
        '"foo"': JSON.stringify(`${old.id}#moves/1`),
        "https://example.org/alice": old.id,
        "https://example.com/alice": target.id,
      }),
    );
    const account = await findAccountByUri(t.services.domain, old.id);
    const db = t.services.db;
    const uriOf = async (id: string) => (await findAccountByUri(t.services.domain, old.id))?.id === id ? old.id : target.id;
    return {
      moves: await db.select().from(accountMoves).where(eq(accountMoves.accountId, account!.id)),
      following: await Promise.all((await db.select().from(follows).where(eq(follows.accountId, alice.account.id))).map((f) => uriOf(f.targetAccountId))),
      requested: await Promise.all((await db.select().from(followRequests).where(eq(followRequests.accountId, alice.account.id))).map((f) => uriOf(f.targetAccountId))),
      old: old.id,
      target: target.id,
    };
  }

  it("is honoured when the target lists the mover in alsoKnownAs: recorded, and local followers ask to follow the new account", async () => {
    const r = await move(true);
    expect({ moves: r.moves.length, following: r.following, requested: r.requested }).toEqual({ moves: 1, following: [], requested: [r.target] });
  });

  it("is ignored when the target does not list the mover: followers stay", async () => {
    const r = await move(false);
    expect({ moves: r.moves.length, following: r.following, requested: r.requested }).toEqual({ moves: 0, following: [r.old], requested: [] });
  });
});

describe("a Delete(Tombstone) from Mastodon", () => {
  it("removes the author's post", async () => {
    const felix = await remote.addActor("/users/felix");
    await followRemote(t, alice, felix.id);
    const map = { "https://mastodon.madrid": remote.origin, "https://mamot.fr": remote.origin };
    const created = loadFixture("mastodon-create-note.json", map);
    await deliver(created);
    const uri = String((created.object as Json).id);
    const stored = await findStatusByUri(t.services.domain, uri);
    await deliver(loadFixture("mastodon-delete-tombstone.json", { ...map, "107773559874184870": "107224289116410645" }));
    expect([Boolean(stored), await findStatusByUri(t.services.domain, uri)]).toEqual([true, undefined]);
  });
});

describe("actor updates and deletions", () => {
  it("an Update(Person) by the actor refreshes its profile from its server", async () => {
    const dora = await remote.addActor("/users/dora");
    await remoteAccount(t, dora.id);
    dora.document = { ...dora.document, name: "Dora Explorer" };
    await deliver({ "@context": AS, id: `${dora.id}#updates/${++n}`, type: "Update", actor: dora.id, object: dora.document });
    expect((await findAccountByUri(t.services.domain, dora.id))?.displayName).toBe("Dora Explorer");
  });

  it("a Delete of the actor by itself removes the account and its posts", async () => {
    const gone = await remote.addActor("/users/gone");
    await followRemote(t, alice, gone.id);
    const note = { id: `${gone.id}/statuses/1`, type: "Note", attributedTo: gone.id, content: "bye", to: [`${AS}#Public`] };
    await deliver({ "@context": AS, id: `${note.id}/activity`, type: "Create", actor: gone.id, to: note.to, object: note });
    await deliver({ "@context": AS, id: `${gone.id}#delete`, type: "Delete", actor: gone.id, object: gone.id });
    expect([await findAccountByUri(t.services.domain, gone.id), await findStatusByUri(t.services.domain, note.id)]).toEqual([undefined, undefined]);
  });
});

describe("search with resolve=true", () => {
  it("finds @user@host through WebFinger and stores the account", async () => {
    remote.serve(
      "/.well-known/webfinger",
      { subject: `acct:bob@${remote.domain}`, links: [{ rel: "self", type: "application/activity+json", href: bob.id }] },
      "application/jrd+json",
    );
    const res = await t.http.get(`/api/v2/search?q=@bob@${remote.domain}&resolve=true`).set("Authorization", alice.auth);
    expect(res.body.accounts.map((a: { acct: string }) => a.acct)).toEqual([`bob@${remote.domain}`]);
  });

  it("finds a post by its URL and stores it with its author", async () => {
    const post = { "@context": AS, id: `${remote.origin}/notes/searchable`, type: "Note", attributedTo: bob.id, content: "<p>find me</p>", to: [`${AS}#Public`] };
    remote.serve("/notes/searchable", post);
    const res = await t.http.get(`/api/v2/search?q=${encodeURIComponent(post.id)}&resolve=true`).set("Authorization", alice.auth);
    expect(res.body.statuses.map((s: { uri: string; account: { acct: string } }) => [s.uri, s.account.acct])).toEqual([
      [post.id, `bob@${remote.domain}`],
    ]);
  });

  it("does not contact a blocked domain", async () => {
    const stranger = await remote.addActor(`/users/stranger${++n}`);
    await setDomainPolicy(t.services.domain, remote.domain, "block");
    remote.fetched.length = 0;
    const hit = await t.services.domain.resolveRemoteUrl!(stranger.id);
    expect([hit, remote.fetched]).toEqual([null, []]);
  });

  it("a resident's post mentioning @user@host reaches a remote account", async () => {
    remote.serve(
      "/.well-known/webfinger",
      { subject: `acct:asonix@${remote.domain}`, links: [{ rel: "self", type: "application/activity+json", href: asonix.id }] },
      "application/jrd+json",
    );
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: `hi @asonix@${remote.domain}` });
    expect(res.body.mentions.map((m: { acct: string }) => m.acct)).toEqual([`asonix@${remote.domain}`]);
  });
});

describe("a reply from a stranger", () => {
  it("to a resident's post is stored in the thread though nobody follows its author", async () => {
    const post = await createPost(t, alice, "what do you think?");
    const reply = { id: `${bob.id}/statuses/reply${++n}`, type: "Note", attributedTo: bob.id, inReplyTo: post.uri, content: "I agree", to: [`${AS}#Public`] };
    await deliver({ "@context": AS, id: `${reply.id}/activity`, type: "Create", actor: bob.id, to: reply.to, object: reply });
    const res = await t.http.get(`/api/v1/statuses/${post.id}/context`).set("Authorization", alice.auth);
    expect(res.body.descendants.map((s: { uri: string }) => s.uri)).toEqual([reply.id]);
  });
});
