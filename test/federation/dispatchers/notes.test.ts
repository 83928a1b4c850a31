// A status URL fetched as ActivityPub: public Notes answer anyone, with their
// tags; followers-only and direct Notes answer only a signed fetcher allowed
// to see them, and are 404 for everyone else.
import { exportSpki, signRequest } from "@fedify/fedify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { createGroup, joinGroup } from "../../../server/domain/groups";
import { upsertRemoteAccount } from "../../../server/domain/accounts";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { json, startTestServer, type TestServer } from "../support/http-server";
import { startFederatedInstance, type FederatedInstance } from "../support/instance";

interface Fetcher {
  id: string;
  account: Account;
  get(url: string): Promise<Response>;
}

let t: FederatedInstance;
let server: TestServer;
let pair: CryptoKeyPair;
let alice: Resident;

/** A remote actor (on the test server) known to our instance, fetching with its signature. */
async function fetcher(username: string): Promise<Fetcher> {
  const id = `${server.url}/users/${username}`;
  const account = await upsertRemoteAccount(t.services.domain, {
    uri: id,
    username,
    domain: `127.0.0.1:${server.port}`,
    inboxUrl: `${id}/inbox`,
  });
  return {
    id,
    account,
    async get(url) {
      const request = new Request(url, { headers: { accept: "application/activity+json" } });
      return fetch(await signRequest(request, pair.privateKey, new URL(`${id}#main-key`)));
    },
  };
}

const anonymous = (url: string) => fetch(url, { headers: { accept: "application/activity+json" } });

beforeAll(async () => {
  t = await startFederatedInstance();
  pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const pem = await exportSpki(pair.publicKey);
  const actor = (username: string) => {
    const id = `${server.url}/users/${username}`;
    return json("application/activity+json", {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      id,
      type: "Person",
      preferredUsername: username,
      inbox: `${id}/inbox`,
      publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: pem },
    });
  };
  // the routes read `server` when a request comes, once it is listening
  server = await startTestServer({
    "/users/fan": (req, res) => actor("fan")(req, res),
    "/users/stranger": (req, res) => actor("stranger")(req, res),
    "/users/friend": (req, res) => actor("friend")(req, res),
  });
});
afterAll(async () => {
  await server.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  t.parvis.keys.forget("0");
  alice = await createResident(t, "alice");
});

describe("status objects", () => {
  it("a public Note answers anyone, with its hashtags as tags", async () => {
    const post = await createPost(t, alice, "Fête du village #Testville");
    const res = await anonymous(post.uri);
    const body = await res.json();
    expect([res.status, body.type, body.tag]).toEqual([200, "Note", { type: "Hashtag", href: `${t.config.origin}/tags/testville`, name: "#testville" }]);
  });

  it("a followers-only Note is 404 to an anonymous fetch", async () => {
    const post = await createPost(t, alice, "Followers only", { visibility: "private" });
    expect((await anonymous(post.uri)).status).toBe(404);
  });

  it("a followers-only Note answers a signed fetch by a follower", async () => {
    const fan = await fetcher("fan");
    await follow(t.services.domain, fan.account, alice.account, { uri: `${fan.id}#follows/1` });
    const post = await createPost(t, alice, "Followers only", { visibility: "private" });
    const res = await fan.get(post.uri);
    expect([res.status, (await res.json()).id]).toEqual([200, post.uri]);
  });

  it("a followers-only Note is 404 to a signed fetch by someone who does not follow", async () => {
    const stranger = await fetcher("stranger");
    const post = await createPost(t, alice, "Followers only", { visibility: "private" });
    expect((await stranger.get(post.uri)).status).toBe(404);
  });

  it("a direct Note answers the mentioned actor only, not a follower", async () => {
    const fan = await fetcher("fan");
    const friend = await fetcher("friend");
    await follow(t.services.domain, fan.account, alice.account, { uri: `${fan.id}#follows/1` });
    const post = await createPost(t, alice, `Just you @friend@127.0.0.1:${server.port}`, { visibility: "direct" });
    expect([(await friend.get(post.uri)).status, (await fan.get(post.uri)).status]).toEqual([200, 404]);
  });
});

// A members-only group's post answers as Mastodon answers a private one: 404 to
// an anonymous fetch and to anyone outside the group (a follower of the author
// included), the Note to a signed fetch by an active member.
describe("a members-only group's posts as ActivityPub objects", () => {
  async function membersOnlyGroup() {
    const { group } = await createGroup(t.services.domain, alice.account, { slug: "vigie", name: "Vigilance", kind: "topic", visibility: "members" });
    return group.accountId;
  }

  it("are 404 to an anonymous fetch", async () => {
    const groupId = await membersOnlyGroup();
    const post = await createPost(t, alice, "Compte rendu du conseil", { groupId });
    expect(post.visibility).toBe("private");
    const res = await anonymous(post.uri);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Compte rendu");
  });

  it("are 404 to a signed fetch by a non-member, even one following the author", async () => {
    const groupId = await membersOnlyGroup();
    const fan = await fetcher("fan");
    await follow(t.services.domain, fan.account, alice.account, { uri: `${fan.id}#follows/1` });
    const post = await createPost(t, alice, "Compte rendu du conseil", { groupId });
    const res = await fan.get(post.uri);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Compte rendu");
  });

  it("are 404 to a signed fetch by a member who asked to join but was not approved yet", async () => {
    const { group } = await createGroup(t.services.domain, alice.account, { slug: "ecole", name: "École", kind: "topic", visibility: "members", membership: "approval" });
    const stranger = await fetcher("stranger");
    await joinGroup(t.services.domain, stranger.account, group.accountId, { uri: `${stranger.id}#follows/2` });
    const post = await createPost(t, alice, "Réservé aux membres", { groupId: group.accountId });
    expect((await stranger.get(post.uri)).status).toBe(404);
  });

  it("answer the Note to a signed fetch by an active member", async () => {
    const groupId = await membersOnlyGroup();
    const friend = await fetcher("friend");
    await joinGroup(t.services.domain, friend.account, groupId, { uri: `${friend.id}#follows/3` });
    const post = await createPost(t, alice, "Compte rendu du conseil", { groupId });
    const res = await friend.get(post.uri);
    const body = await res.json();
    expect([res.status, body.type, body.id]).toEqual([200, "Note", post.uri]);
    expect(JSON.stringify(body.to ?? []) + JSON.stringify(body.cc ?? [])).not.toContain("https://www.w3.org/ns/activitystreams#Public");
  });

  it("a public group's post answers anyone", async () => {
    const { group } = await createGroup(t.services.domain, alice.account, { slug: "gare", name: "Gare", kind: "neighbourhood" });
    const post = await createPost(t, alice, "Fête du quartier", { groupId: group.accountId });
    expect((await anonymous(post.uri)).status).toBe(200);
  });
});
