// The setup shared by the tests that look at the JSON we send (snapshots of
// outgoing activities): one federated instance, one fake remote server that
// records what it receives, alice (a resident) followed by bob (an account on
// that remote server), so that alice's public posts are delivered to him.
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import type { Account } from "../../../server/domain/accounts";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { follow } from "../../../server/domain/follows";
import { createResident, type Resident } from "../../helpers/factories";
import { drainOutbox, startFederatedInstance, type FederatedInstance } from "./instance";
import { startFakeRemote, type FakeRemote } from "./fake-remote";
import { waitFor } from "../../helpers/wait";

export interface OutboxScene {
  t: FederatedInstance;
  host: FakeRemote;
  alice: Resident;
  /** bob@host, who follows alice */
  bob: Account;
}

/**
 * Starts the instance and the remote server once for the file, resets both
 * before each test and gives the test its scene (through `use`, like
 * useTestInstance), with nothing left in the outbox.
 */
export function useOutboxScene(use: (scene: OutboxScene) => void): void {
  let t: FederatedInstance;
  let host: FakeRemote;
  beforeAll(async () => {
    t = await startFederatedInstance();
    host = await startFakeRemote({ deliveries: true, verify: false });
  });
  afterAll(async () => {
    await host?.close();
    await t?.stop();
  });
  beforeEach(async () => {
    await drainOutbox(t);
    await t.reset();
    invalidateDomainPolicyCache(t.services.domain);
    t.parvis.keys.forget("0");
    host.posts.splice(0);
    const alice = await createResident(t, "alice");
    const bob = await host.account(t.services.domain, "bob");
    // bob follows alice: her posts go to his server
    await follow(t.services.domain, bob, alice.account, { uri: `${bob.uri}#follows/1` });
    await drainOutbox(t);
    use({ t, host, alice, bob });
  });
}

/**
 * An activity with what changes from run to run (origins, ports, ids, dates,
 * the unguessable part of activity ids) replaced by stable placeholders, and
 * without its signature or proof (they change with every key): ready for a snapshot.
 */
export function normaliseActivity(scene: Pick<OutboxScene, "t" | "host">, activity: Record<string, unknown>): unknown {
  const { t, host } = scene;
  const { proof: _proof, signature: _signature, ...rest } = activity;
  let text = JSON.stringify(rest);
  text = text.split(t.config.origin).join("https://parvis.example");
  text = text.split(host.origin).join("https://remote.example");
  text = text.split(host.domain).join("remote.example");
  text = text.split(t.config.domain).join("parvis.example");
  const ids = new Map<string, string>();
  text = text.replace(/\b\d{16,19}\b/g, (id) => {
    if (!ids.has(id)) ids.set(id, `ID${ids.size + 1}`);
    return ids.get(id)!;
  });
  text = text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "DATE");
  text = text.replace(/#updates\/\d+/g, "#updates/TIME");
  // the random (or keyed) part that makes our activity ids unguessable
  text = text.replace(/\/[A-Za-z0-9_-]{22}(?=["/])/g, "/NONCE");
  return JSON.parse(text);
}

/**
 * The activities of `type` ("Create", or "Create/Note" for the object's type
 * too) that the remote server receives because of `action`: waits for at least
 * `count`, lets the outbox drain, and with `exactly` checks that no more came.
 */
export async function sentActivities(
  scene: Pick<OutboxScene, "t" | "host">,
  type: string,
  action: () => Promise<unknown>,
  options: { count?: number; exactly?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const { t, host } = scene;
  const count = options.count ?? 1;
  await drainOutbox(t);
  const since = host.posts.length;
  await action();
  const since_ = () => host.received(type).filter((p) => host.posts.indexOf(p) >= since);
  const found = await waitFor(since_, (p) => p.length >= count);
  await drainOutbox(t);
  if (options.exactly) expect(since_()).toHaveLength(count);
  return found.map((p) => p.activity as Record<string, unknown>);
}
