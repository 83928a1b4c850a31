import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { statuses } from "../../server/db/schema";
import { setDomainPolicy } from "../../federation/policy";
import { registerAccount } from "../../server/domain/accounts";
import { invalidateDomainPolicyCache } from "../../server/domain/domains";
import { setSetting } from "../../server/domain/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { startFederatedInstance, type FederatedInstance } from "./support/instance";

const AP = "application/activity+json";
let t: FederatedInstance;
let alice: Resident;

beforeAll(async () => {
  t = await startFederatedInstance();
}, 180_000);
afterAll(() => t?.stop());
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  alice = await createResident(t, "alice");
});

const host = () => t.config.domain;

describe("WebFinger", () => {
  it("finds a resident by acct: handle", async () => {
    const res = await t.http.get(`/.well-known/webfinger?resource=acct:alice@${host()}`);
    const self = res.body.links?.find((l: { rel: string }) => l.rel === "self");
    expect([res.status, self?.href]).toEqual([200, `${t.config.origin}/users/alice`]);
  });

  it("finds a resident whatever the case of the handle", async () => {
    const res = await t.http.get(`/.well-known/webfinger?resource=acct:ALICE@${host()}`);
    const self = res.body.links?.find((l: { rel: string }) => l.rel === "self");
    expect(self?.href).toBe(`${t.config.origin}/users/alice`);
  });

  it("finds a resident by actor URL", async () => {
    const res = await t.http.get(`/.well-known/webfinger`).query({ resource: `${t.config.origin}/users/alice` });
    expect(res.status).toBe(200);
  });

  it("does not answer for a handle on another server", async () => {
    const res = await t.http.get(`/.well-known/webfinger?resource=acct:alice@evil.example`);
    expect(res.status).toBe(404);
  });

  it("finds the instance actor by the host name", async () => {
    const res = await t.http.get(`/.well-known/webfinger?resource=acct:localhost@${host()}`);
    const self = res.body.links?.find((l: { rel: string }) => l.rel === "self");
    expect(self?.href).toBe(`${t.config.origin}/actor`);
  });

  it("answers 404 for someone who does not live here", async () => {
    const res = await t.http.get(`/.well-known/webfinger?resource=acct:nobody@${host()}`);
    expect(res.status).toBe(404);
  });
});

describe("actor", () => {
  it("serves a resident as a Person to ActivityPub clients", async () => {
    const res = await t.http.get("/users/alice").set("Accept", AP);
    expect({ status: res.status, type: res.body.type, name: res.body.preferredUsername }).toEqual({
      status: 200,
      type: "Person",
      name: "alice",
    });
  });

  it("lists the resident's inbox, outbox, collections and shared inbox", async () => {
    const { body } = await t.http.get("/users/alice").set("Accept", AP);
    const base = `${t.config.origin}/users/alice`;
    expect([body.inbox, body.outbox, body.followers, body.following, body.featured, body.endpoints?.sharedInbox]).toEqual([
      `${base}/inbox`,
      `${base}/outbox`,
      `${base}/followers`,
      `${base}/following`,
      `${base}/collections/featured`,
      `${t.config.origin}/inbox`,
    ]);
  });

  it("publishes an RSA public key and an Ed25519 assertion method", async () => {
    const { body } = await t.http.get("/users/alice").set("Accept", AP);
    const methods = [body.assertionMethod].flat();
    expect({
      pem: String(body.publicKey?.publicKeyPem).startsWith("-----BEGIN PUBLIC KEY-----"),
      owner: body.publicKey?.owner,
      multikeys: methods.length,
    }).toEqual({ pem: true, owner: `${t.config.origin}/users/alice`, multikeys: 2 });
  });

  it("says a locked resident approves followers manually", async () => {
    await createResident(t, "bob", { locked: true });
    const { body } = await t.http.get("/users/bob").set("Accept", AP);
    expect(body.manuallyApprovesFollowers).toBe(true);
  });

  it("also answers application/ld+json with the ActivityStreams profile", async () => {
    const res = await t.http.get("/users/alice").set("Accept", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"');
    expect(res.body.type).toBe("Person");
  });

  it("passes a browser on to the web client", async () => {
    const res = await t.http.get("/users/alice").set("Accept", "text/html");
    expect([res.status, res.text]).toEqual([200, expect.stringContaining("<title>client</title>")]);
  });

  it("does not serve a resident whose registration awaits approval", async () => {
    await setSetting(t.services.domain, "registration_mode", "approval");
    await registerAccount(t.services.domain, { username: "carol", password: "correct horse battery", reason: "I live here" });
    const res = await t.http.get("/users/carol").set("Accept", AP);
    expect(res.status).toBe(404);
  });

  it("answers 404 for an unknown resident", async () => {
    const res = await t.http.get("/users/nobody").set("Accept", AP);
    expect(res.status).toBe(404);
  });
});

describe("instance actor", () => {
  it("serves an Application at /actor", async () => {
    const { body } = await t.http.get("/actor").set("Accept", AP);
    expect([body.type, body.id, Boolean(body.publicKey?.publicKeyPem)]).toEqual(["Application", `${t.config.origin}/actor`, true]);
  });

  it("is not served under /users", async () => {
    const res = await t.http.get("/users/instance_actor").set("Accept", AP);
    expect(res.status).toBe(404);
  });
});

describe("collections", () => {
  it("counts only public and unlisted statuses in the outbox", async () => {
    await createPost(t, alice, "public", { visibility: "public" });
    await createPost(t, alice, "unlisted", { visibility: "unlisted" });
    await createPost(t, alice, "followers only", { visibility: "private" });
    await createPost(t, alice, "direct", { visibility: "direct" });
    const { body } = await t.http.get("/users/alice/outbox").set("Accept", AP);
    expect(body.totalItems).toBe(2);
  });

  it("pages the outbox with Create activities, newest first", async () => {
    for (let i = 1; i <= 3; i++) await createPost(t, alice, `post ${i}`);
    const collection = (await t.http.get("/users/alice/outbox").set("Accept", AP)).body;
    const firstUrl = new URL(typeof collection.first === "string" ? collection.first : collection.first.id);
    const page = (await t.http.get(firstUrl.pathname + firstUrl.search).set("Accept", AP)).body;
    const items = page.orderedItems;
    expect([items.length, items[0].type, items[0].object.content]).toEqual([3, "Create", expect.stringContaining("post 3")]);
  });

  it("never lists a followers-only status in the outbox", async () => {
    await createPost(t, alice, "secret plans", { visibility: "private" });
    const collection = (await t.http.get("/users/alice/outbox").set("Accept", AP)).body;
    const firstUrl = new URL(typeof collection.first === "string" ? collection.first : collection.first.id);
    const page = (await t.http.get(firstUrl.pathname + firstUrl.search).set("Accept", AP)).body;
    expect(JSON.stringify(page)).not.toContain("secret plans");
  });

  it("pages the outbox twenty statuses at a time", async () => {
    for (let i = 1; i <= 21; i++) await createPost(t, alice, `post ${i}`);
    const collection = (await t.http.get("/users/alice/outbox").set("Accept", AP)).body;
    const firstUrl = new URL(typeof collection.first === "string" ? collection.first : collection.first.id);
    const first = (await t.http.get(firstUrl.pathname + firstUrl.search).set("Accept", AP)).body;
    const nextUrl = new URL(typeof first.next === "string" ? first.next : first.next.id);
    const second = (await t.http.get(nextUrl.pathname + nextUrl.search).set("Accept", AP)).body;
    expect([first.orderedItems.length, second.orderedItems.length, second.orderedItems[0].object.content]).toEqual([
      20,
      1,
      expect.stringContaining("post 1<"),
    ]);
  });

  it("features the pinned public statuses", async () => {
    const pinned = await createPost(t, alice, "read me first");
    await createPost(t, alice, "not pinned");
    // no pinning function in the domain yet: set the flag as it would
    await t.services.db.update(statuses).set({ pinned: true }).where(eq(statuses.id, pinned.id));
    const { body } = await t.http.get("/users/alice/collections/featured").set("Accept", AP);
    const items = body.orderedItems ?? body.items;
    expect([body.totalItems, items[0].id]).toEqual([1, pinned.uri]);
  });

  it("counts followers and following", async () => {
    const bob = await createResident(t, "bob");
    const { follow } = await import("../../server/domain/follows");
    await follow(t.services.domain, bob.account, alice.account);
    const followers = (await t.http.get("/users/alice/followers").set("Accept", AP)).body;
    const following = (await t.http.get("/users/bob/following").set("Accept", AP)).body;
    expect([followers.totalItems, following.totalItems]).toEqual([1, 1]);
  });
});

describe("status objects", () => {
  it("serves a public status as a Note to ActivityPub clients", async () => {
    const status = await createPost(t, alice, "bonjour la commune");
    const res = await t.http.get(new URL(status.uri).pathname).set("Accept", AP);
    expect([res.body.type, res.body.attributedTo, res.body.to]).toEqual([
      "Note",
      `${t.config.origin}/users/alice`,
      "as:Public",
    ]);
  });

  it("does not serve a followers-only status to an anonymous fetch", async () => {
    const status = await createPost(t, alice, "for my followers", { visibility: "private" });
    const res = await t.http.get(new URL(status.uri).pathname).set("Accept", AP);
    expect(res.status).toBe(404);
  });
});

describe("NodeInfo", () => {
  it("links NodeInfo 2.1 from the well-known document", async () => {
    const { body } = await t.http.get("/.well-known/nodeinfo");
    expect(body.links.map((l: { href: string }) => l.href)).toEqual([`${t.config.origin}/nodeinfo/2.1`]);
  });

  it("describes the software, the commune and its usage", async () => {
    await createResident(t, "bob");
    await createPost(t, alice, "one");
    await createPost(t, alice, "two");
    const { body } = await t.http.get("/nodeinfo/2.1");
    expect({
      software: body.software,
      protocols: body.protocols,
      users: body.usage.users.total,
      localPosts: body.usage.localPosts,
      openRegistrations: body.openRegistrations,
      nodeName: body.metadata.nodeName,
      inseeCode: body.metadata.inseeCode,
    }).toEqual({
      software: { name: "parvis", version: "0.1.0" },
      protocols: ["activitypub"],
      users: 2,
      localPosts: 2,
      openRegistrations: true,
      nodeName: "Testville",
      inseeCode: "75056",
    });
  });
});

describe("inbox", () => {
  const activity = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: "https://remote.example/activities/1",
    type: "Follow",
    actor: "https://remote.example/users/bob",
    object: "",
  };

  it("refuses an unsigned POST to a personal inbox with 401", async () => {
    const res = await t.http
      .post("/users/alice/inbox")
      .set("Content-Type", AP)
      .send(JSON.stringify({ ...activity, object: `${t.config.origin}/users/alice` }));
    expect(res.status).toBe(401);
  });

  it("refuses an unsigned POST to the shared inbox with 401", async () => {
    const res = await t.http.post("/inbox").set("Content-Type", AP).send(JSON.stringify(activity));
    expect(res.status).toBe(401);
  });

  it("refuses with 403 a POST signed with a key on a blocked domain", async () => {
    await setDomainPolicy(t.services.domain, "remote.example", "block");
    const res = await t.http
      .post("/inbox")
      .set("Content-Type", AP)
      .set("Signature", 'keyId="https://remote.example/users/bob#main-key",algorithm="rsa-sha256",headers="(request-target) host date",signature="AAAA"')
      .send(JSON.stringify(activity));
    expect(res.status).toBe(403);
  });

  it("refuses a body larger than the limit with 413", async () => {
    const res = await t.http
      .post("/inbox")
      .set("Content-Type", AP)
      .send(JSON.stringify({ ...activity, content: "x".repeat(300 * 1024) }));
    expect(res.status).toBe(413);
  });

  it("leaves the body of a request it does not handle to the API", async () => {
    const res = await t.http.post("/api/v1/apps").send({ client_name: "Test", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" });
    expect(res.body.name).toBe("Test");
  });
});

describe("request URLs", () => {
  it("treats a path that starts with two slashes as a path, not as another host", async () => {
    // resolved as a URL, "//evil.example/users/alice" would become /users/alice on evil.example
    const res = await t.http.get("//evil.example/users/alice").set("Accept", AP);
    expect(res.status).toBe(404);
  });
});
