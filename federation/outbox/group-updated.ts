// group.updated: a local group's profile or settings changed (name, description,
// charter, kind, membership, posting, visibility, avatar, header): Update(Group),
// the actor as its document serves it (with the Lemmy and Parvis terms), from the
// group to the servers of its remote members, as account-updated.ts does for a
// resident's followers. A receiving Parvis refetches the actor (inbox/update.ts).
import type { DomainEvents } from "../../server/events";
import { groupActorWithTerms, updateGroupActor } from "../to-activitypub/group";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup } from "./group-send";

export async function onGroupUpdated(o: OutboxContext, e: DomainEvents["group.updated"]): Promise<void> {
  const loaded = await localGroupOf(o, e.groupId);
  if (!loaded || loaded.account.suspendedAt) return;
  const pairs = await o.federation.keys.getKeyPairs(loaded.account.id);
  const key = (name: string) => pairs.find((p) => p.publicKey.algorithm.name === name)?.publicKey ?? null;
  const actor = groupActorWithTerms(o.origin, loaded, { rsa: key("RSASSA-PKCS1-v1_5"), ed25519: key("Ed25519") });
  await sendAsGroup(o, o.federation.context(), loaded, updateGroupActor(o.origin, loaded, actor), undefined, loaded.account.uri);
}
