// What other servers receive of a post's place: the Note's `location`, an
// ActivityStreams Place (name, latitude, longitude), in Create and Update, in
// the Note served at the status's URL and in the author's outbox.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { editStatus } from "../../../server/domain/statuses";
import { newId } from "../../../server/ids";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { startFakeRemote, type FakeRemote, type ReceivedPost } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;

const ctx = () => t.services.domain;
const MAIRIE = { latitude: 45.1885, longitude: 5.7245, name: "Place de la Mairie" };

async function arrives(type: string, since: number): Promise<ReceivedPost> {
  const found = await waitFor(
    () => host.received(type).filter((p) => host.posts.indexOf(p) >= since),
    (p) => p.length >= 1,
  );
  return found[0];
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
  invalidateDomainPolicyCache(ctx());
  host.posts.splice(0);
  alice = await createResident(t, "alice");
});
afterEach(() => drainOutbox(t));

describe("a post's place, sent", () => {
  it("Create(Note) carries it as an ActivityStreams Place in location", async () => {
    await remoteFollower("carol");
    await createPost(t, alice, "Lampadaire en panne", { place: MAIRIE });
    const create = await arrives("Create", 0);
    expect(create.activity.object.location).toEqual({ type: "Place", name: "Place de la Mairie", latitude: 45.1885, longitude: 5.7245 });
  });

  it("a post without a place has no location; a place without a name has no name", async () => {
    await remoteFollower("carol");
    await createPost(t, alice, "Sans lieu");
    const plain = await arrives("Create", 0);
    expect(plain.activity.object).not.toHaveProperty("location");
    const since = host.posts.length;
    await createPost(t, alice, "Lieu sans nom", { place: { latitude: -12.5, longitude: 0, name: null } });
    const unnamed = await arrives("Create", since);
    expect(unnamed.activity.object.location).toEqual({ type: "Place", latitude: -12.5, longitude: 0 });
  });

  it("Update(Note) carries the moved place, then none once it is removed", async () => {
    await remoteFollower("carol");
    const post = await createPost(t, alice, "Trou", { place: MAIRIE });
    await arrives("Create", 0);
    let since = host.posts.length;
    await editStatus(ctx(), alice.account, post.id, { text: "Trou (gare)", place: { latitude: 45.1913, longitude: 5.7146, name: "Gare" } });
    const moved = await arrives("Update", since);
    expect(moved.activity.object.location).toEqual({ type: "Place", name: "Gare", latitude: 45.1913, longitude: 5.7146 });
    since = host.posts.length;
    await editStatus(ctx(), alice.account, post.id, { text: "Trou (gare)", place: null });
    const removed = await arrives("Update", since);
    expect(removed.activity.object).not.toHaveProperty("location");
  });

  it("the Note served at the status's URL and listed in the outbox carries it", async () => {
    const post = await createPost(t, alice, "Banc cassé", { place: MAIRIE });
    const accept = { accept: "application/activity+json" };
    const note = await (await fetch(post.uri, { headers: accept })).json();
    expect(note.location).toEqual({ type: "Place", name: "Place de la Mairie", latitude: 45.1885, longitude: 5.7245 });
    const outbox = await (await fetch(`${t.config.origin}/users/alice/outbox?cursor=first`, { headers: accept })).json();
    const items = (outbox.orderedItems ?? []) as { object: { id: string; location?: unknown } }[];
    expect(items.find((i) => i.object.id === post.uri)?.object.location).toEqual({ type: "Place", name: "Place de la Mairie", latitude: 45.1885, longitude: 5.7245 });
  });
});
