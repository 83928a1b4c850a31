import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { setDomainPolicy } from "../../../federation/policy";
import { createResident } from "../../helpers/factories";
import { startFakeRemote, type FakeActor, type FakeRemote } from "../support/fake-remote";
import { startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let remote: FakeRemote;
let bob: FakeActor;
let n = 0;

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote();
  bob = await remote.addActor("/users/bob");
}, 180_000);
afterAll(async () => {
  await remote?.close();
  await t?.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  await createResident(t, "alice");
});

function follow(actor: string) {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${actor}#follows/${++n}`,
    type: "Follow",
    actor,
    object: `${t.config.origin}/users/alice`,
  };
}

describe("signed inbox POSTs", () => {
  it("accepts an activity signed by its actor's key with 202", async () => {
    const res = await remote.post(`${t.config.origin}/users/alice/inbox`, follow(bob.id), { as: bob });
    expect(res.status).toBe(202);
  });

  it("refuses an activity whose actor does not own the signing key", async () => {
    const res = await remote.post(`${t.config.origin}/inbox`, follow("https://victim.example/users/carol"), { as: bob });
    expect(res.status).toBe(401);
  });

  it("refuses an activity from a blocked domain, signature or not", async () => {
    await setDomainPolicy(t.services.domain, new URL(bob.id).host, "block");
    const res = await remote.post(`${t.config.origin}/inbox`, follow(bob.id), { as: bob });
    expect(res.status).toBe(403);
  });

  it("answers 5xx, not 202, when the activity cannot be queued", async () => {
    const queue = t.parvis.queues.inbox;
    const original = queue.enqueueMany.bind(queue);
    queue.enqueueMany = () => Promise.reject(new Error("database unreachable"));
    try {
      const res = await remote.post(`${t.config.origin}/inbox`, follow(bob.id), { as: bob });
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      queue.enqueueMany = original;
    }
  });
});
