// Each local action sends the right activity to the right remote inbox.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { followRequests } from "../../../server/db/schema";
import type { Account } from "../../../server/domain/accounts";
import { updateProfile } from "../../../server/domain/accounts";
import { block, unblock } from "../../../server/domain/blocks";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow, rejectFollowRequest, unfollow } from "../../../server/domain/follows";
import { favourite, reblog, unfavourite, unreblog } from "../../../server/domain/interactions";
import { deleteStatus, editStatus, storeStatus, type Status } from "../../../server/domain/statuses";
import { newId } from "../../../server/ids";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { startFakeRemote, type FakeRemote, type ReceivedPost } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;
let bob: Account;

const ctx = () => t.services.domain;

/** The only activity of `type` that arrives from now on (waits for it). */
async function arrives(type: string, since: number, match: (p: ReceivedPost) => boolean = () => true): Promise<ReceivedPost> {
  const found = await waitFor(
    () => host.received(type).filter((p) => host.posts.indexOf(p) >= since && match(p)),
    (p) => p.length >= 1,
  );
  await drainOutbox(t);
  const all = host.received(type).filter((p) => host.posts.indexOf(p) >= since && match(p));
  expect(all).toHaveLength(1);
  return found[0];
}

async function remoteStatus(author: Account, text: string): Promise<Status> {
  const id = newId();
  return storeStatus(ctx(), { id, uri: `${author.uri}/statuses/${id}`, accountId: author.id, content: `<p>${text}</p>`, visibility: "public", local: false }, [], []);
}

async function remoteFollower(name: string): Promise<Account> {
  const account = await host.account(ctx(), name);
  await follow(ctx(), account, alice.account, { uri: `${account.uri}#follows/${newId()}` });
  await drainOutbox(t);
  return account;
}

beforeAll(async () => {
  t = await startFederatedInstance();
  host = await startFakeRemote({ deliveries: true });
});
afterAll(async () => {
  await host.close();
  await t.stop();
});
beforeEach(async () => {
  await drainOutbox(t);
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  t.parvis.keys.forget("0");
  host.posts.splice(0);
  alice = await createResident(t, "alice");
  bob = await host.account(ctx(), "bob");
});
afterEach(() => drainOutbox(t));

describe("statuses", () => {
  it("deleting a post sends Delete with a Tombstone of it to followers' servers", async () => {
    await remoteFollower("carol");
    const post = await createPost(t, alice, "Soon gone");
    await arrives("Create", 0);
    const since = host.posts.length;
    await deleteStatus(ctx(), alice.account.id, post.id);
    const del = await arrives("Delete", since);
    expect([del.activity.object.type, del.activity.object.id]).toEqual(["Tombstone", post.uri]);
  });

  it("editing a post sends Update(Note) with the new content", async () => {
    await remoteFollower("carol");
    const post = await createPost(t, alice, "First version");
    await arrives("Create", 0);
    const since = host.posts.length;
    await editStatus(ctx(), alice.account, post.id, { text: "Second version" });
    const update = await arrives("Update", since);
    expect([update.activity.object.type, update.activity.object.id, update.activity.object.content]).toEqual([
      "Note",
      post.uri,
      "<p>Second version</p>",
    ]);
  });

  it("an edit gets an activity id of its own, and the Note says when it was updated", async () => {
    await remoteFollower("carol");
    const post = await createPost(t, alice, "v1");
    await editStatus(ctx(), alice.account, post.id, { text: "v2" });
    const update = await arrives("Update", 0);
    expect([update.activity.id === `${post.uri}/activity`, typeof update.activity.object.updated]).toEqual([false, "string"]);
  });

  it("boosting a remote post sends Announce to its author's server", async () => {
    const original = await remoteStatus(bob, "Boost me");
    await reblog(ctx(), alice.account, original.id);
    const announce = await arrives("Announce", 0);
    expect([announce.activity.object, announce.activity.actor]).toEqual([original.uri, `${t.config.origin}/users/alice`]);
  });

  it("undoing a boost sends Undo(Announce) with the Announce's id", async () => {
    const original = await remoteStatus(bob, "Boost me");
    const boost = await reblog(ctx(), alice.account, original.id);
    await arrives("Announce", 0);
    const since = host.posts.length;
    await unreblog(ctx(), alice.account, original.id);
    const undo = await arrives("Undo", since);
    expect([undo.activity.object.type, undo.activity.object.id]).toEqual(["Announce", boost.uri]);
  });

  it("a remote post arriving here is never sent back out", async () => {
    await remoteFollower("carol");
    const since = host.posts.length;
    await remoteStatus(bob, "From elsewhere");
    await drainOutbox(t);
    expect(host.posts.length - since).toBe(0);
  });
});

describe("favourites", () => {
  it("favouriting a remote post sends Like to its author", async () => {
    const status = await remoteStatus(bob, "Like me");
    await favourite(ctx(), alice.account, status.id);
    const like = await arrives("Like", 0);
    expect([like.path, like.activity.object]).toEqual(["/inbox", status.uri]);
  });

  it("unfavouriting sends Undo(Like) naming the Like sent", async () => {
    const status = await remoteStatus(bob, "Like me");
    await favourite(ctx(), alice.account, status.id);
    const like = await arrives("Like", 0);
    const since = host.posts.length;
    await unfavourite(ctx(), alice.account, status.id);
    const undo = await arrives("Undo", since);
    expect([undo.activity.object.type, undo.activity.object.id]).toEqual(["Like", like.activity.id]);
  });

  it("a remote favourite of a local post sends nothing", async () => {
    const post = await createPost(t, alice, "Mine");
    await favourite(ctx(), bob, post.id, `${bob.uri}#likes/1`);
    await drainOutbox(t);
    expect(host.received("Like")).toHaveLength(0);
  });
});

describe("follows", () => {
  it("following a remote account sends Follow, whose id is kept on the request", async () => {
    await follow(ctx(), alice.account, bob);
    const sent = await arrives("Follow", 0);
    const [request] = await t.services.db.select().from(followRequests).where(eq(followRequests.accountId, alice.account.id));
    expect([sent.activity.object, request.uri]).toEqual([bob.uri, sent.activity.id]);
  });

  it("withdrawing a pending follow sends Undo(Follow) of that Follow", async () => {
    await follow(ctx(), alice.account, bob);
    const sent = await arrives("Follow", 0);
    const since = host.posts.length;
    await unfollow(ctx(), alice.account.id, bob.id);
    const undo = await arrives("Undo", since);
    expect([undo.activity.object.type, undo.activity.object.id]).toEqual(["Follow", sent.activity.id]);
  });

  it("unfollowing an accepted follow sends Undo(Follow) of that Follow", async () => {
    const { authorizeFollowRequest } = await import("../../../server/domain/follows");
    await follow(ctx(), alice.account, bob);
    const sent = await arrives("Follow", 0);
    // what the INCOMING Accept handler does
    await authorizeFollowRequest(ctx(), bob.id, alice.account.id);
    const since = host.posts.length;
    await unfollow(ctx(), alice.account.id, bob.id);
    const undo = await arrives("Undo", since);
    expect(undo.activity.object.id).toBe(sent.activity.id);
  });

  it("a remote follow of an open account is answered with Accept of that Follow", async () => {
    const followId = `${bob.uri}#follows/42`;
    await follow(ctx(), bob, alice.account, { uri: followId });
    const accept = await arrives("Accept", 0);
    expect([accept.path, accept.activity.object.id, accept.activity.object.actor]).toEqual(["/inbox", followId, bob.uri]);
  });

  it("a locked account's refusal sends Reject of the remote Follow", async () => {
    const locked = await createResident(t, "lockedlou", { locked: true });
    const followId = `${bob.uri}#follows/43`;
    await follow(ctx(), bob, locked.account, { uri: followId });
    await drainOutbox(t);
    expect(host.received("Accept")).toHaveLength(0);
    await rejectFollowRequest(ctx(), locked.account.id, bob.id);
    const reject = await arrives("Reject", 0);
    expect([reject.activity.actor, reject.activity.object.id]).toEqual([`${t.config.origin}/users/lockedlou`, followId]);
  });
});

describe("blocks", () => {
  it("blocking a remote account sends Block to it", async () => {
    await block(ctx(), alice.account.id, bob.id);
    const sent = await arrives("Block", 0);
    expect(sent.activity.object).toBe(bob.uri);
  });

  it("unblocking sends Undo(Block) of that Block", async () => {
    await block(ctx(), alice.account.id, bob.id);
    const sent = await arrives("Block", 0);
    const since = host.posts.length;
    await unblock(ctx(), alice.account.id, bob.id);
    const undo = await arrives("Undo", since);
    expect([undo.activity.object.type, undo.activity.object.id]).toEqual(["Block", sent.activity.id]);
  });
});

describe("accounts", () => {
  it("a profile change sends Update(Person) to followers' servers", async () => {
    await remoteFollower("carol");
    await updateProfile(ctx(), alice.account.id, { displayName: "Alice of Testville", note: "Hello" });
    const update = await arrives("Update", 0);
    expect([update.activity.object.type, update.activity.object.name, update.activity.object.id]).toEqual([
      "Person",
      "Alice of Testville",
      `${t.config.origin}/users/alice`,
    ]);
  });

  it("a deleted account sends Delete(Person) to its followers' inboxes, signed with its key", async () => {
    const uri = `${t.config.origin}/users/alice`;
    t.services.events.emit("account.deleted", { accountId: alice.account.id, uri, local: true, followerInboxes: [`${host.origin}/inbox`] });
    const del = await arrives("Delete", 0);
    await waitFor(() => del.verified, (v) => v !== undefined);
    expect([del.activity.object, del.activity.actor, del.verified]).toEqual([uri, uri, true]);
  });
});
