// An ActivityPub actor (Person, Service, Application, Group, Organization)
// → the data the domain stores for a remote account.
import { Application, Group, Organization, Person, PropertyValue, Service, type Actor } from "@fedify/vocab";
import type { DocumentLoader } from "@fedify/fedify";
import type { RemoteActorData } from "../../server/domain/accounts";
import { GROUP_KINDS, MAX_CHARTER, type RemoteGroupData } from "../../server/domain/groups";

/** The Parvis vocabulary (to-activitypub/group.ts GROUP_CONTEXT_TERMS): a document without our context names its terms in full. */
const PARVIS_TERMS = "https://w3id.org/parvis/ns#";
import { firstText } from "./text";

export const ACTOR_CLASSES = [Person, Service, Application, Group, Organization] as const;

export function isSupportedActor(value: unknown): value is Actor {
  return ACTOR_CLASSES.some((cls) => value instanceof cls);
}

function typeName(actor: Actor): string {
  if (actor instanceof Service) return "Service";
  if (actor instanceof Application) return "Application";
  if (actor instanceof Group) return "Group";
  if (actor instanceof Organization) return "Organization";
  return "Person";
}

/** host[:port] of a URL, lower-case: the remote account's domain. */
export function domainOf(url: URL): string {
  return url.host.toLowerCase();
}

async function pemOf(key: CryptoKey): Promise<string> {
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", key)).toString("base64");
  return `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

const href = (u: URL | null | undefined) => u?.href ?? null;

/**
 * Translates an actor whose id was checked against the URL it was fetched
 * from. Only keys whose owner (controller) is this very actor are kept.
 */
export async function actorToData(
  actor: Actor,
  loaders: { documentLoader: DocumentLoader; contextLoader: DocumentLoader },
): Promise<RemoteActorData | null> {
  const id = actor.id;
  const username = actor.preferredUsername?.toString();
  if (!id || !username) return null;
  const options = { ...loaders, suppressError: true };

  const keys: NonNullable<RemoteActorData["keys"]> = [];
  for await (const key of actor.getPublicKeys(options)) {
    if (!key.id || key.ownerId?.href !== id.href || !key.publicKey) continue;
    keys.push({ keyId: key.id.href, pem: await pemOf(key.publicKey).catch(() => null) });
  }
  for await (const method of actor.getAssertionMethods(options)) {
    if (!method.id || method.controllerId?.href !== id.href || !method.publicKey) continue;
    const jwk = await crypto.subtle.exportKey("jwk", method.publicKey).catch(() => null);
    keys.push({ keyId: method.id.href, jwk });
  }

  const fields: { name: string; value: string }[] = [];
  for await (const attachment of actor.getAttachments(options)) {
    if (attachment instanceof PropertyValue && attachment.name && attachment.value) {
      fields.push({ name: attachment.name.toString(), value: attachment.value.toString() });
    }
  }
  const icon = await actor.getIcon(options).catch(() => null);
  const image = await actor.getImage(options).catch(() => null);
  const imageUrl = (img: typeof icon) => {
    const u = img?.url;
    if (!u) return null;
    return u instanceof URL ? u.href : (u.href?.href ?? null);
  };

  return {
    uri: id.href,
    username,
    domain: domainOf(id),
    displayName: actor.name?.toString() ?? null,
    note: firstText(actor.summaries) ?? null,
    fields,
    locked: actor.manuallyApprovesFollowers ?? false,
    bot: actor instanceof Service || actor instanceof Application,
    discoverable: actor.discoverable ?? undefined,
    actorType: typeName(actor),
    avatarUrl: imageUrl(icon),
    headerUrl: imageUrl(image),
    url: actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? null),
    inboxUrl: href(actor.inboxId),
    sharedInboxUrl: href(actor.endpoints?.sharedInbox),
    outboxUrl: href(actor.outboxId),
    followersUrl: href(actor.followersId),
    followingUrl: href(actor.followingId),
    featuredUrl: href(actor.featuredId),
    alsoKnownAs: actor.aliasIds.map((u) => u.href),
    publishedAt: actor.published ? new Date(actor.published.epochMilliseconds) : null,
    keys,
  };
}

/** A collection URL a Group names, kept only on the group's own origin (http(s)). */
function collectionOn(value: unknown, origin: string): string | null {
  const v = typeof value === "string" ? value : value && typeof value === "object" ? (value as { id?: unknown }).id : null;
  if (typeof v !== "string") return null;
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:") && u.origin === origin ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * What a Group actor says of itself beyond an account (FEP-1b12): Lemmy's
 * moderators collection (`attributedTo`) and `postingRestrictedToMods`,
 * Mobilizon's `members`, whether joining is approved by hand, and another
 * Parvis's kind, members-only setting and charter.
 */
export async function groupToData(actor: Group, document: Record<string, unknown> | null): Promise<RemoteGroupData | null> {
  if (!actor.id) return null;
  // the document as received: Fedify's vocabulary has none of these extensions
  const raw = document ?? (((await actor.toJsonLd().catch(() => null)) ?? {}) as Record<string, unknown>);
  const origin = actor.id.origin;
  // the compacted names, and the full IRIs of a document without their terms in its context
  const field = (...names: string[]) => names.map((n) => raw[n]).find((v) => v !== undefined);
  const restricted = field("postingRestrictedToMods", "lemmy:postingRestrictedToMods", "https://join-lemmy.org/ns#postingRestrictedToMods");
  // another Parvis says what kind of group it is, and whether its posts are for members only
  const parvis = (term: string) => field(term, `parvis:${term}`, `${PARVIS_TERMS}${term}`, `https://parvis.fr/ns#${term}`);
  const kind = parvis("groupKind");
  const membersOnly = parvis("membersOnly");
  // another Parvis's charter (what a Follow accepts), shown before joining
  const charter = parvis("charter");
  const charterVersion = parvis("charterVersion");
  return {
    ...(typeof charter === "string"
      ? { charter: charter.slice(0, MAX_CHARTER), charterVersion: Number.isInteger(charterVersion) && (charterVersion as number) >= 1 ? (charterVersion as number) : 1 }
      : // another Parvis (it names its kind) shows no charter when it has none: an emptied one is emptied here too
        typeof kind === "string"
        ? { charter: "" }
        : {}),
    kind: typeof kind === "string" && (GROUP_KINDS as readonly string[]).includes(kind) ? (kind as RemoteGroupData["kind"]) : undefined,
    visibility: membersOnly === true ? "members" : "public",
    membersUrl: collectionOn(field("members", "mz:members", "https://joinmobilizon.org/ns#members"), origin),
    moderatorsUrl: collectionOn(field("moderators") ?? field("attributedTo"), origin),
    posting: restricted === true ? "moderators" : "members",
    membership: actor.manuallyApprovesFollowers ? "approval" : "open",
  };
}
