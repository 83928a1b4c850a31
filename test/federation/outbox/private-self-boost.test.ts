// An author's boost of their own followers-only post: Mastodon keeps it
// followers-only, and so do we, also in the Announce we send (addressed to the
// author's followers, never to the public collection).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { newId } from "../../../server/ids";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;

const PUBLIC = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"];

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
  host.posts.splice(0);
  alice = await createResident(t, "alice");
  const carol = await host.account(t.services.domain, "carol");
  await follow(t.services.domain, carol, alice.account, { uri: `${carol.uri}#follows/${newId()}` });
  await drainOutbox(t);
});

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as string[];

describe("boosting one's own followers-only post with visibility public", () => {
  it("sends an Announce addressed to the author's followers, not to the public", async () => {
    const post = await createPost(t, alice, "Pour mes abonnés", { visibility: "private" });
    await drainOutbox(t);
    const since = host.posts.length;
    const res = await t.http.post(`/api/v1/statuses/${post.id}/reblog`).set("Authorization", alice.auth).send({ visibility: "public" });
    expect(res.status).toBe(200);
    const [announce] = await waitFor(
      () => host.received("Announce").filter((p) => host.posts.indexOf(p) >= since),
      (p) => p.length >= 1,
    );
    const audience = [...asList(announce.activity.to), ...asList(announce.activity.cc)];
    expect(audience.filter((a) => PUBLIC.includes(a))).toEqual([]);
    expect(asList(announce.activity.to)).toEqual([`${t.config.origin}/users/alice/followers`]);
  });
});
