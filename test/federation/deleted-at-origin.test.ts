// A remote post deleted at its origin does not come back: the document cache
// (5 minutes) still holds a copy when the signed Delete arrives, and a search
// with resolve=true must not store that copy again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findStatusByUri } from "../../server/domain/statuses";
import { createResident, type Resident } from "../helpers/factories";
import { inboxIdle, startFederatedInstance, type FederatedInstance } from "./support/instance";
import { startFakeRemote, type FakeRemote } from "./support/fake-remote";

let t: FederatedInstance;
let remote: FakeRemote;
let alice: Resident;
let n = 0;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
});
afterAll(async () => {
  await remote?.close();
  await t?.stop();
});
beforeEach(async () => {
  await t.reset();
  alice = await createResident(t, "alice");
});

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

async function resolve(uri: string): Promise<string[]> {
  const res = await t.http.get("/api/v2/search").query({ q: uri, resolve: "true", type: "statuses" }).set("Authorization", alice.auth);
  expect(res.status).toBe(200);
  return res.body.statuses.map((s: { uri: string }) => s.uri);
}

/** A public post served by its origin, found once through search. */
async function publishedAndFound() {
  const bob = await remote.addActor(`/users/bob${++n}`);
  const path = `/users/bob${n}/statuses/${n}`;
  const uri = `${remote.origin}${path}`;
  remote.serve(path, { "@context": "https://www.w3.org/ns/activitystreams", id: uri, type: "Note", attributedTo: bob.id, content: "<p>Bientôt effacé</p>", to: [PUBLIC] });
  expect(await resolve(uri)).toEqual([uri]);
  return { bob, path, uri };
}

function deleteOf(actor: string, uri: string) {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${uri}#delete`,
    type: "Delete",
    actor,
    to: [PUBLIC],
    object: { id: uri, type: "Tombstone" },
  };
}

describe("a post deleted at its origin", () => {
  it("is not stored again from the cache by a search with resolve=true", async () => {
    const { bob, path, uri } = await publishedAndFound();
    remote.unserve(path);
    expect((await remote.post(`${t.config.origin}/inbox`, deleteOf(bob.id, uri))).status).toBe(202);
    await inboxIdle(t);
    expect(await findStatusByUri(t.services.domain, uri)).toBeUndefined();
    expect(await resolve(uri)).toEqual([]);
    expect(await findStatusByUri(t.services.domain, uri)).toBeUndefined();
  });

  it("is not stored from the cache either when the Delete came before anyone here had it", async () => {
    const bob = await remote.addActor(`/users/bob${++n}`);
    const path = `/users/bob${n}/statuses/${n}`;
    const uri = `${remote.origin}${path}`;
    remote.serve(path, { "@context": "https://www.w3.org/ns/activitystreams", id: uri, type: "Note", attributedTo: bob.id, content: "<p>x</p>", to: [PUBLIC] });
    // fetched (and cached) without being stored: looked up as an actor URL would be
    await t.parvis.documentLoader(uri);
    remote.unserve(path);
    expect((await remote.post(`${t.config.origin}/inbox`, deleteOf(bob.id, uri))).status).toBe(202);
    await inboxIdle(t);
    expect(await resolve(uri)).toEqual([]);
  });

  it("a Delete signed by another server does not hide someone else's post", async () => {
    const { uri } = await publishedAndFound();
    const other = await startFakeRemote();
    try {
      const mallory = await other.addActor("/users/mallory");
      const res = await other.post(`${t.config.origin}/inbox`, deleteOf(mallory.id, uri));
      expect(res.status).toBeLessThan(500);
      await inboxIdle(t);
      expect(await resolve(uri)).toEqual([uri]);
    } finally {
      await other.close();
    }
  });
});
