// Hostile input to the inbox: each is refused, and nothing is stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { findAccountByUri } from "../../../server/domain/accounts";
import { findStatusByUri } from "../../../server/domain/statuses";
import { countRows } from "../../helpers/api";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { followRemote, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = `${AS}#Public`;

let t: FederatedInstance;
let remote: FakeRemote;
let other: FakeRemote;
let bob: FakeActor;
let mallory: FakeActor;
let eve: FakeActor;
let alice: Resident;
let n = 0;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
  other = await startFakeRemote();
  bob = await remote.addActor("/users/bob");
  mallory = await remote.addActor("/users/mallory");
  eve = await other.addActor("/users/eve");
});
afterAll(async () => {
  await remote.close();
  await other.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  alice = await createResident(t, "alice");
});

const inbox = () => `${t.config.origin}/inbox`;

function note(author: FakeActor, content: string, extra: Json = {}): Json {
  const id = `${author.id}/statuses/${++n}`;
  return { id, type: "Note", attributedTo: author.id, content, to: [PUBLIC], cc: [`${author.id}/followers`], ...extra };
}

function create(actor: FakeActor, object: Json): Json {
  return { "@context": AS, id: `${object.id}/activity`, type: "Create", actor: actor.id, to: object.to, cc: object.cc, object };
}

/** bob (followed by alice) has a stored post. */
async function bobsPost(content = "bob's words"): Promise<Json> {
  await followRemote(t, alice, bob.id);
  const post = note(bob, content);
  expect((await remote.post(inbox(), create(bob, post))).status).toBe(202);
  await waitFor(() => findStatusByUri(t.services.domain, String(post.id)));
  return post;
}

describe("signatures", () => {
  it("an unsigned activity is refused with 401 and not stored", async () => {
    await followRemote(t, alice, bob.id);
    const post = note(bob, "unsigned");
    const res = await remote.post(inbox(), create(bob, post), { unsigned: true });
    await inboxIdle(t);
    expect([res.status, await findStatusByUri(t.services.domain, String(post.id))]).toEqual([401, undefined]);
  });

  it("an activity whose body was changed after signing is refused with 401 and not stored", async () => {
    await followRemote(t, alice, bob.id);
    const post = note(bob, "original");
    const res = await remote.post(inbox(), create(bob, post), { tamper: (body) => body.replace("original", "tampered") });
    await inboxIdle(t);
    expect([res.status, await findStatusByUri(t.services.domain, String(post.id))]).toEqual([401, undefined]);
  });

  it("an activity signed with another actor's key is refused with 401 and not stored", async () => {
    await followRemote(t, alice, bob.id);
    const post = note(bob, "in bob's name");
    const res = await remote.post(inbox(), create(bob, post), { as: mallory });
    await inboxIdle(t);
    expect([res.status, await findStatusByUri(t.services.domain, String(post.id))]).toEqual([401, undefined]);
  });

  it("an activity signed per RFC 9421 is accepted", async () => {
    await followRemote(t, alice, bob.id);
    const post = note(bob, "RFC 9421");
    const res = await remote.post(inbox(), create(bob, post), { spec: "rfc9421" });
    expect(res.status).toBe(202);
    expect(await waitFor(() => findStatusByUri(t.services.domain, String(post.id)))).toBeTruthy();
  });
});

describe("authorship", () => {
  it("a Create whose attributedTo is not its actor stores nothing", async () => {
    await followRemote(t, alice, bob.id);
    await followRemote(t, alice, mallory.id);
    const post = note(bob, "words put in bob's mouth");
    await remote.post(inbox(), { ...create(mallory, post), id: `${mallory.id}/fake/${n}` });
    await inboxIdle(t);
    expect(await findStatusByUri(t.services.domain, String(post.id))).toBeUndefined();
  });

  it("a Delete of someone else's post by an actor of the same server leaves it", async () => {
    const post = await bobsPost();
    await remote.post(inbox(), { "@context": AS, id: `${mallory.id}#delete/${n}`, type: "Delete", actor: mallory.id, object: post.id });
    await inboxIdle(t);
    expect(await findStatusByUri(t.services.domain, String(post.id))).toBeTruthy();
  });

  it("a Delete of someone else's post by an actor of another server leaves it", async () => {
    const post = await bobsPost();
    await other.post(inbox(), {
      "@context": AS,
      id: `${eve.id}#delete/${n}`,
      type: "Delete",
      actor: eve.id,
      object: { id: post.id, type: "Tombstone" },
    });
    await inboxIdle(t);
    expect(await findStatusByUri(t.services.domain, String(post.id))).toBeTruthy();
  });

  it("a Delete of a post by its author removes it", async () => {
    const post = await bobsPost();
    await remote.post(inbox(), { "@context": AS, id: `${bob.id}#delete/${n}`, type: "Delete", actor: bob.id, object: { id: post.id, type: "Tombstone" } });
    await inboxIdle(t);
    expect(await findStatusByUri(t.services.domain, String(post.id))).toBeUndefined();
  });

  it("an Update of someone else's post by an actor of the same server leaves its content", async () => {
    const post = await bobsPost("the real text");
    await remote.post(inbox(), {
      "@context": AS,
      id: `${mallory.id}#update/${n}`,
      type: "Update",
      actor: mallory.id,
      object: { ...post, attributedTo: mallory.id, content: "defaced" },
    });
    await inboxIdle(t);
    expect((await findStatusByUri(t.services.domain, String(post.id)))?.content).toContain("the real text");
  });

  it("an Update of someone else's post by an actor of another server leaves its content", async () => {
    const post = await bobsPost("the real text");
    await other.post(inbox(), {
      "@context": AS,
      id: `${eve.id}#update/${n}`,
      type: "Update",
      actor: eve.id,
      object: { ...post, content: "defaced" },
    });
    await inboxIdle(t);
    expect((await findStatusByUri(t.services.domain, String(post.id)))?.content).toContain("the real text");
  });

  it("an Update of a post by its author changes its content", async () => {
    const post = await bobsPost("first version");
    await remote.post(inbox(), { "@context": AS, id: `${bob.id}#update/${n}`, type: "Update", actor: bob.id, object: { ...post, content: "second version" } });
    await inboxIdle(t);
    expect((await findStatusByUri(t.services.domain, String(post.id)))?.content).toContain("second version");
  });

  it("an Update(Person) of another actor does not change that actor", async () => {
    await followRemote(t, alice, bob.id);
    await remote.post(inbox(), {
      "@context": AS,
      id: `${mallory.id}#update-person/${n}`,
      type: "Update",
      actor: mallory.id,
      object: { ...bob.document, name: "Bob the Fool" },
    });
    await inboxIdle(t);
    expect((await findAccountByUri(t.services.domain, bob.id))?.displayName).toBe("bob");
  });

  it("an Undo(Follow) of another actor's follow leaves it", async () => {
    await remote.post(inbox(), { "@context": AS, id: `${bob.id}#follows/${++n}`, type: "Follow", actor: bob.id, object: `${t.config.origin}/users/alice` });
    await inboxIdle(t);
    await remote.post(inbox(), {
      "@context": AS,
      id: `${mallory.id}#undo/${n}`,
      type: "Undo",
      actor: mallory.id,
      object: { id: `${bob.id}#follows/${n}`, type: "Follow", actor: bob.id, object: `${t.config.origin}/users/alice` },
    });
    await inboxIdle(t);
    expect(await countRows(t, "follows")).toBe(1);
  });
});

describe("boosts", () => {
  it("an Announce whose embedded post claims another origin stores nothing when that origin does not have it", async () => {
    await followRemote(t, alice, eve.id);
    const forged = note(bob, "forged words");
    await other.post(inbox(), {
      "@context": AS,
      id: `${eve.id}/announces/${n}`,
      type: "Announce",
      actor: eve.id,
      to: [PUBLIC],
      object: forged,
    });
    await inboxIdle(t);
    expect([await findStatusByUri(t.services.domain, String(forged.id)), await countRows(t, "statuses")]).toEqual([undefined, 0]);
  });

  it("an Announce whose embedded copy differs from the origin's shows the origin's content", async () => {
    await followRemote(t, alice, eve.id);
    const real = note(bob, "what bob really said");
    remote.serve(new URL(String(real.id)).pathname, { "@context": AS, ...real });
    await other.post(inbox(), {
      "@context": AS,
      id: `${eve.id}/announces/${n}`,
      type: "Announce",
      actor: eve.id,
      to: [PUBLIC],
      object: { ...real, content: "forged words" },
    });
    await inboxIdle(t);
    const stored = await waitFor(() => findStatusByUri(t.services.domain, String(real.id)));
    expect(stored.content).toContain("what bob really said");
  });
});

describe("bodies", () => {
  it("an oversized body (over 1 MB) is refused with 413 and nothing stored", async () => {
    await followRemote(t, alice, bob.id);
    const post = note(bob, "x".repeat(1_100_000));
    const res = await remote.post(inbox(), create(bob, post));
    await inboxIdle(t);
    expect([res.status, await findStatusByUri(t.services.domain, String(post.id))]).toEqual([413, undefined]);
  });

  it("a body that is not JSON is refused with 400", async () => {
    const res = await remote.post(inbox(), { actor: bob.id }, { rawBody: "{not json" });
    expect(res.status).toBe(400);
  });

  it("malformed JSON-LD (an invalid context) is refused and stores nothing", async () => {
    await followRemote(t, alice, bob.id);
    const post = note(bob, "bad context");
    const res = await remote.post(inbox(), { ...create(bob, post), "@context": 42 });
    await inboxIdle(t);
    expect([res.status >= 400, await findStatusByUri(t.services.domain, String(post.id))]).toEqual([true, undefined]);
  });
});

describe("actor documents", () => {
  it("an actor document whose id is not its URL is not stored", async () => {
    const liar = await remote.addActor("/users/liar");
    liar.document = { ...liar.document, id: bob.id };
    const hit = await t.services.domain.resolveRemoteUrl!(liar.id);
    expect([hit, await findAccountByUri(t.services.domain, liar.id), await findAccountByUri(t.services.domain, bob.id)]).toEqual([
      null,
      undefined,
      undefined,
    ]);
  });

  it("an activity from an actor whose document claims another id is refused", async () => {
    const liar = await other.addActor("/users/liar2");
    liar.document = { ...liar.document, id: bob.id };
    const res = await other.post(inbox(), {
      "@context": AS,
      id: `${liar.id}#follows/${++n}`,
      type: "Follow",
      actor: liar.id,
      object: `${t.config.origin}/users/alice`,
    });
    await inboxIdle(t);
    expect([res.status, await countRows(t, "follows")]).toEqual([401, 0]);
  });
});

describe("duplicates", () => {
  it("the same Create delivered to the personal and the shared inbox notifies the mentioned resident once", async () => {
    const post = note(bob, "hello alice", {
      cc: [`${t.config.origin}/users/alice`],
      tag: [{ type: "Mention", href: `${t.config.origin}/users/alice`, name: "@alice" }],
    });
    const activity = create(bob, post);
    await remote.post(`${t.config.origin}/users/alice/inbox`, activity);
    await remote.post(inbox(), activity);
    await inboxIdle(t);
    const res = await t.http.get("/api/v1/notifications").set("Authorization", alice.auth);
    expect(res.body.map((x: { type: string }) => x.type)).toEqual(["mention"]);
  });

  it("a Follow delivered again after its Undo does not follow again", async () => {
    const followActivity = { "@context": AS, id: `${bob.id}#follows/${++n}`, type: "Follow", actor: bob.id, object: `${t.config.origin}/users/alice` };
    await remote.post(`${t.config.origin}/users/alice/inbox`, followActivity);
    await inboxIdle(t);
    await remote.post(inbox(), { "@context": AS, id: `${bob.id}#undo/${n}`, type: "Undo", actor: bob.id, object: followActivity });
    await inboxIdle(t);
    await remote.post(inbox(), followActivity);
    await inboxIdle(t);
    expect(await countRows(t, "follows")).toBe(0);
  });

  it("a Like delivered twice counts once", async () => {
    const post = await createPost(t, alice, "like me once");
    const like = { "@context": AS, id: `${bob.id}#likes/${++n}`, type: "Like", actor: bob.id, object: post.uri };
    await remote.post(`${t.config.origin}/users/alice/inbox`, like);
    await remote.post(inbox(), like);
    await inboxIdle(t);
    const res = await t.http.get(`/api/v1/statuses/${post.id}`).set("Authorization", alice.auth);
    expect(res.body.favourites_count).toBe(1);
  });
});
