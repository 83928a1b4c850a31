// A local group as the ActivityPub Group actor other servers read and follow
// (FEP-1b12, in the shape Lemmy and Mobilizon use), its collections, and the
// activities it sends: Accept/Reject of a Follow, and the Announce of every
// activity in it (a post, an edit, a deletion, a like) to its members' servers.
import { Accept, Announce, CryptographicKey, Delete, Endpoints, Multikey, Follow, Group, Image, PropertyValue, PUBLIC_COLLECTION, Reject, Tombstone, Update, type Activity } from "@fedify/vocab";
import type { LoadedGroup } from "../../server/domain/groups";
import { toInstant } from "./addressing";
import { randomIdPart } from "./ids";

/** Lemmy's terms (postingRestrictedToMods) and ours (the charter), added to the Group's @context. */
export const GROUP_CONTEXT_TERMS = {
  lemmy: "https://join-lemmy.org/ns#",
  postingRestrictedToMods: "lemmy:postingRestrictedToMods",
  parvis: "https://w3id.org/parvis/ns#",
  charter: "parvis:charter",
  charterVersion: "parvis:charterVersion",
  groupKind: "parvis:groupKind",
  membersOnly: "parvis:membersOnly",
};

/** A group's public keys: RSA for HTTP signatures (main-key), Ed25519 for object proofs. */
export interface GroupKeys {
  rsa: CryptoKey | null;
  ed25519: CryptoKey | null;
}

/** The addresses of a local group's actor and collections (its uri is `{origin}/groups/{slug}`). */
export interface GroupUrls {
  actor: URL;
  inbox: URL;
  sharedInbox: URL;
  outbox: URL;
  followers: URL;
  members: URL;
  moderators: URL;
  mainKey: URL;
}

export function groupUrls(origin: string, loaded: LoadedGroup): GroupUrls {
  const uri = loaded.account.uri;
  return {
    actor: new URL(uri),
    // Fedify serves personal inboxes only under the residents' path: a group's
    // inbox is the instance's shared inbox (activities are routed by what they name)
    inbox: new URL(`${origin}/inbox`),
    sharedInbox: new URL(`${origin}/inbox`),
    outbox: new URL(`${uri}/outbox`),
    followers: new URL(`${uri}/followers`),
    members: new URL(`${uri}/members`),
    moderators: new URL(`${uri}/moderators`),
    mainKey: new URL(`${uri}#main-key`),
  };
}

/** The Group actor (the caller adds the terms Fedify has no property for: groupActorExtras). */
export function groupActor(origin: string, loaded: LoadedGroup, keys: GroupKeys): Group {
  return new Group(groupActorValues(origin, loaded, keys));
}

function groupActorValues(origin: string, loaded: LoadedGroup, keys: GroupKeys): ConstructorParameters<typeof Group>[0] {
  const { account, group } = loaded;
  const urls = groupUrls(origin, loaded);
  return {
    id: urls.actor,
    preferredUsername: account.username,
    name: account.displayName || account.username,
    summary: account.note || null,
    url: urls.actor,
    inbox: urls.inbox,
    outbox: urls.outbox,
    followers: urls.followers,
    endpoints: new Endpoints({ sharedInbox: urls.sharedInbox }),
    publicKey: keys.rsa ? new CryptographicKey({ id: urls.mainKey, owner: urls.actor, publicKey: keys.rsa }) : null,
    assertionMethods: keys.ed25519 ? [new Multikey({ id: new URL(`${urls.actor.href}#ed25519-key`), controller: urls.actor, publicKey: keys.ed25519 })] : [],
    // Lemmy's moderators collection is the community's attributedTo
    attribution: urls.moderators,
    manuallyApprovesFollowers: group.membership === "approval",
    discoverable: group.visibility === "public",
    published: toInstant(account.createdAt),
    icon: account.avatarUrl ? new Image({ url: new URL(account.avatarUrl, origin) }) : null,
    image: account.headerUrl ? new Image({ url: new URL(account.headerUrl, origin) }) : null,
    attachments: group.area ? [new PropertyValue({ name: "Area", value: group.area })] : [],
  };
}

/** What Fedify's Group has no property for: FEP-1b12/Lemmy/Mobilizon terms and the charter. */
export function groupActorExtras(origin: string, loaded: LoadedGroup): Record<string, unknown> {
  const { group } = loaded;
  const urls = groupUrls(origin, loaded);
  return {
    postingRestrictedToMods: group.posting === "moderators",
    // Mobilizon's members collection; moderators as Lemmy reads them
    members: urls.members.href,
    moderators: urls.moderators.href,
    groupKind: group.kind,
    membersOnly: group.visibility === "members",
    // a Follow is the acceptance of this text, at this version (docs/federation.md)
    ...(group.charter ? { charter: group.charter, charterVersion: group.charterVersion } : {}),
  };
}

/**
 * A Group that also carries the terms of groupActorExtras when serialised (an
 * Update(Group) embeds it: Lemmy reads postingRestrictedToMods from there).
 */
export class GroupWithTerms extends Group {
  readonly extras: Record<string, unknown>;

  constructor(values: ConstructorParameters<typeof Group>[0], extras: Record<string, unknown>) {
    super(values);
    this.extras = extras;
  }

  override async toJsonLd(options: Parameters<Group["toJsonLd"]>[0] = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    if (options.format === "expand" && Array.isArray(json) && json[0] && typeof json[0] === "object") {
      const node = json[0] as Record<string, unknown>;
      for (const [term, value] of Object.entries(this.extras)) {
        const iri = expandTerm(term);
        if (iri) node[iri] = [typeof value === "string" && /^https?:/.test(value) && (term === "members" || term === "moderators") ? { "@id": value } : { "@value": value }];
      }
      return json;
    }
    if (options.format == null && json && typeof json === "object" && !Array.isArray(json)) {
      const node = json as Record<string, unknown>;
      const context = Array.isArray(node["@context"]) ? node["@context"] : node["@context"] ? [node["@context"]] : [];
      node["@context"] = [...context, GROUP_CONTEXT_TERMS];
      Object.assign(node, this.extras);
    }
    return json;
  }
}

/** The full IRI of one of the terms above (members and moderators: Mobilizon's and Lemmy's, which have none in our context). */
function expandTerm(term: string): string | null {
  const value = (GROUP_CONTEXT_TERMS as Record<string, string>)[term];
  if (!value) return null;
  const [prefix, local] = value.split(":");
  const base = (GROUP_CONTEXT_TERMS as Record<string, string>)[prefix];
  return base ? base + local : value;
}

/** The group's actor with its terms, as its actor document serves it. */
export function groupActorWithTerms(origin: string, loaded: LoadedGroup, keys: GroupKeys): GroupWithTerms {
  return new GroupWithTerms(groupActorValues(origin, loaded, keys), groupActorExtras(origin, loaded));
}

/** The group's profile or settings changed: Update(Group), addressed as the group addresses its posts. */
export function updateGroupActor(origin: string, loaded: LoadedGroup, actor: Group, at = new Date()): Update {
  const urls = groupUrls(origin, loaded);
  const { tos, ccs } = groupAddressing(origin, loaded);
  return new Update({
    id: new URL(`${urls.actor.href}#updates/${at.getTime()}/${randomIdPart()}`),
    actor: urls.actor,
    object: actor,
    published: toInstant(at),
    tos,
    ccs,
  });
}

/** An OrderedCollection (one page inline, as Lemmy serves its followers and moderators). */
export function orderedCollection(id: URL, items: string[] | null, totalItems: number): Record<string, unknown> {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: id.href,
    type: "OrderedCollection",
    totalItems,
    ...(items ? { orderedItems: items } : {}),
  };
}

/** How a group addresses what it sends: public groups to Public and their followers, members-only groups to their members only. */
export function groupAddressing(origin: string, loaded: LoadedGroup): { tos: URL[]; ccs: URL[] } {
  const urls = groupUrls(origin, loaded);
  return loaded.group.visibility === "members" ? { tos: [urls.members], ccs: [] } : { tos: [PUBLIC_COLLECTION], ccs: [urls.followers] };
}

/** The group accepts a remote member's Follow (joined, or the request approved). */
export function acceptGroupFollow(groupUri: URL, memberUri: string, followUri: string | null): Accept {
  return new Accept({
    id: new URL(`${groupUri.href}#accepts/follows/${randomIdPart()}`),
    actor: groupUri,
    object: new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(memberUri), object: groupUri }),
    to: new URL(memberUri),
  });
}

/** The group refuses a Follow (a banned actor, a refused request). */
export function rejectGroupFollow(groupUri: URL, memberUri: string, followUri: string | null): Reject {
  return new Reject({
    id: new URL(`${groupUri.href}#rejects/follows/${randomIdPart()}`),
    actor: groupUri,
    object: new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(memberUri), object: groupUri }),
    to: new URL(memberUri),
  });
}

/**
 * The group announces `object` to its members: a post (its Note, embedded when
 * it is ours, else by id so that receivers fetch it from its origin), or an
 * activity about one (Update, Delete, Like: FEP-1b12).
 */
export function groupAnnounce(origin: string, loaded: LoadedGroup, object: URL | Activity | Awaited<ReturnType<Announce["getObject"]>>, at = new Date()): Announce {
  const urls = groupUrls(origin, loaded);
  const { tos, ccs } = groupAddressing(origin, loaded);
  return new Announce({
    id: new URL(`${urls.actor.href}/announces/${at.getTime()}-${randomIdPart()}`),
    actor: urls.actor,
    object: object as URL,
    published: toInstant(at),
    tos,
    ccs,
  });
}

/**
 * The group's Announce of an activity its author signed (a remote member's
 * Create or Update in a members-only group, ADR 0024), as JSON: the activity is
 * embedded exactly as received, its own @context and proof included, which no
 * Fedify object serialised again would keep. The caller signs it
 * (integrity.ts withProof) and sends it unchanged (group-send.ts).
 */
export function groupAnnounceJson(origin: string, loaded: LoadedGroup, signed: Record<string, unknown>, at = new Date()): Record<string, unknown> {
  const urls = groupUrls(origin, loaded);
  const { tos, ccs } = groupAddressing(origin, loaded);
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v1"],
    id: `${urls.actor.href}/announces/${at.getTime()}-${randomIdPart()}`,
    type: "Announce",
    actor: urls.actor.href,
    object: signed,
    published: new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
    to: tos.map((u) => u.href),
    ...(ccs.length > 0 ? { cc: ccs.map((u) => u.href) } : {}),
  };
}

/** A post removed from the group by its moderators (or deleted): a Delete by the group, which it announces. */
export function groupDelete(origin: string, loaded: LoadedGroup, statusUri: string): Delete {
  const urls = groupUrls(origin, loaded);
  const { tos, ccs } = groupAddressing(origin, loaded);
  return new Delete({
    id: new URL(`${urls.actor.href}/deletes/${randomIdPart()}`),
    actor: urls.actor,
    object: new Tombstone({ id: new URL(statusUri) }),
    tos,
    ccs,
  });
}
