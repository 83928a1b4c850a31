// Deleting a local group sends Delete(Group) to its remote members' servers, once
// per server, with the group's actor as actor and object (federation/outbox/group-deleted.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { deleteGroup } from "../../../server/domain/group-posts";
import { createGroup, joinGroup } from "../../../server/domain/groups";
import { newId } from "../../../server/ids";
import { createResident, type Resident } from "../../helpers/factories";
import { waitFor } from "../../helpers/wait";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;
const ctx = () => t.services.domain;

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
});

describe("group.deleted", () => {
  it("sends one Delete(Group) to the remote members' server", async () => {
    const { group, account } = await createGroup(ctx(), alice.account, { slug: "gare", name: "Quartier de la Gare", kind: "neighbourhood" });
    for (const name of ["carol", "dan"]) {
      const member = await host.account(ctx(), name);
      await joinGroup(ctx(), member, group.accountId, { uri: `${member.uri}#follows/${newId()}` });
    }
    await drainOutbox(t);
    const since = host.posts.length;
    await deleteGroup(ctx(), alice.account.id, group.accountId);
    const deletes = await waitFor(
      () => host.received("Delete").filter((p) => host.posts.indexOf(p) >= since),
      (d) => d.length >= 1,
    );
    await drainOutbox(t);
    expect(host.received("Delete").filter((p) => host.posts.indexOf(p) >= since)).toHaveLength(1);
    expect([deletes[0].activity.actor, deletes[0].activity.object]).toEqual([account.uri, account.uri]);
    // signed under the key ids the group's actor publishes (its integrity proof's key is #ed25519-key)
    expect(deletes[0].activity.proof?.verificationMethod).toBe(`${account.uri}#ed25519-key`);
  });

  it("sends nothing for a group with local members only", async () => {
    const { group } = await createGroup(ctx(), alice.account, { slug: "ecole", name: "École", kind: "topic" });
    await joinGroup(ctx(), (await createResident(t, "bob")).account, group.accountId);
    const since = host.posts.length;
    await deleteGroup(ctx(), alice.account.id, group.accountId);
    await drainOutbox(t);
    expect(host.posts.slice(since).filter((p) => p.activity.type === "Delete")).toEqual([]);
  });
});
