// Our activity ids cannot be predicted: otherwise another server could send
// something harmless under the id of a resident's future Delete, and receivers
// that deduplicate by id alone would drop the real one.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { favourite, unfavourite } from "../../../server/domain/interactions";
import { deleteStatus, storeStatus } from "../../../server/domain/statuses";
import { newId } from "../../../server/ids";
import { createPost, createResident, type Resident } from "../../helpers/factories";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { startFakeRemote, type FakeRemote } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";

let t: FederatedInstance;
let host: FakeRemote;
let alice: Resident;
let bob: Account;

const ctx = () => t.services.domain;
/** 16 random bytes (or 128 bits of a keyed hash), base64url */
const UNGUESSABLE = "[A-Za-z0-9_-]{22}";
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

beforeAll(async () => {
  t = await startFederatedInstance();
  host = await startFakeRemote({ deliveries: true });
}, 180_000);
afterAll(async () => {
  await host?.close();
  await t?.stop();
});
beforeEach(async () => {
  await drainOutbox(t);
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  host.posts.splice(0);
  alice = await createResident(t, "alice");
  bob = await host.account(ctx(), "bob");
});
afterEach(() => drainOutbox(t));

async function sentOf(type: string): Promise<Record<string, any>[]> {
  await drainOutbox(t);
  return (await waitFor(() => host.received(type), (p) => p.length >= 1)).map((p) => p.activity);
}

describe("outgoing activity ids", () => {
  it("a Delete's id cannot be derived from the deleted post's id", async () => {
    await follow(ctx(), bob, alice.account, { uri: `${bob.uri}#follows/${newId()}` });
    const first = await createPost(t, alice, "Premier");
    const second = await createPost(t, alice, "Second");
    await deleteStatus(ctx(), alice.account.id, first.id);
    await deleteStatus(ctx(), alice.account.id, second.id);
    const deletes = await waitFor(() => sentOf("Delete"), (d) => d.length >= 2);
    const ids = deletes.map((d) => String(d.id));
    expect([
      new RegExp(`^${escape(first.uri)}#delete/${UNGUESSABLE}$`).test(ids.find((id) => id.startsWith(first.uri))!),
      new RegExp(`^${escape(second.uri)}#delete/${UNGUESSABLE}$`).test(ids.find((id) => id.startsWith(second.uri))!),
      ids.some((id) => id.endsWith("#delete")),
    ]).toEqual([true, true, false]);
  });

  it("a Like's id is unguessable, and its Undo names the same id", async () => {
    const id = newId();
    const status = await storeStatus(ctx(), { id, uri: `${bob.uri}/statuses/${id}`, accountId: bob.id, content: "<p>hi</p>", visibility: "public", local: false }, [], []);
    await favourite(ctx(), alice.account, status.id);
    const [like] = await sentOf("Like");
    await unfavourite(ctx(), alice.account, status.id);
    const [undo] = await sentOf("Undo");
    expect([
      new RegExp(`#likes/\\d+/${UNGUESSABLE}$`).test(String(like.id)),
      undo.object.id === like.id,
      new RegExp(`/undo/${UNGUESSABLE}$`).test(String(undo.id)),
    ]).toEqual([true, true, true]);
  });
});
