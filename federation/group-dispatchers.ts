// What other servers read of our groups (FEP-1b12): the Group actor at
// /groups/{slug}, its followers, members, moderators and outbox collections,
// and WebFinger's acct:slug@domain. Served here, before Fedify, because
// Fedify's actor routes are the residents' (/users/{identifier}) and its
// vocabulary has no property for Lemmy's postingRestrictedToMods nor for the
// members and moderators collections; the JSON-LD of the actor itself is still
// Fedify's (Group), with those terms added. Which group is served and what its
// collections list are rules of the groups concept.
import type { DocumentLoader } from "@fedify/vocab-runtime";
import { countGroupMembers, findLocalGroupBySlug, groupMemberUris, type LoadedGroup } from "../server/domain/groups";
import { groupTimeline } from "../server/domain/group-posts";
import type { Services } from "../server/services";
import type { KeyStore } from "./keys";
import { GROUP_CONTEXT_TERMS, groupActor, groupActorExtras, groupAddressing, groupUrls, orderedCollection } from "./to-activitypub/group";

const GROUP_PATH = /^\/groups\/([A-Za-z0-9_]{1,30})(?:\/(followers|members|moderators|outbox))?\/?$/;
const OUTBOX_ITEMS = 20;

function wantsActivityPub(request: Request): boolean {
  return /application\/(activity\+json|ld\+json)/i.test(request.headers.get("accept") ?? "");
}

const activityJson = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/activity+json", Vary: "Accept" } });

/** The group's keys for its actor document and its signatures (created on first need, like a resident's). */
export async function groupKeyPairs(keys: KeyStore, groupId: string): Promise<{ rsa: CryptoKeyPair | null; ed25519: CryptoKeyPair | null }> {
  const pairs = await keys.getKeyPairs(groupId);
  return {
    rsa: pairs.find((p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5") ?? null,
    ed25519: pairs.find((p) => p.privateKey.algorithm.name === "Ed25519") ?? null,
  };
}

/** The Group actor as JSON-LD: Fedify's Group, with the FEP-1b12/Lemmy terms it has no property for. */
export async function groupActorDocument(services: Services, keys: KeyStore, loaded: LoadedGroup, contextLoader: DocumentLoader): Promise<Record<string, unknown>> {
  const origin = services.config.origin;
  const pairs = await groupKeyPairs(keys, loaded.account.id);
  const actor = groupActor(origin, loaded, { rsa: pairs.rsa?.publicKey ?? null, ed25519: pairs.ed25519?.publicKey ?? null });
  const json = (await actor.toJsonLd({ contextLoader })) as Record<string, unknown>;
  const context = json["@context"];
  json["@context"] = [...(Array.isArray(context) ? context : context ? [context] : []), GROUP_CONTEXT_TERMS];
  return { ...json, ...groupActorExtras(origin, loaded) };
}

/**
 * Answers a request for one of our groups (its actor, a collection, its
 * WebFinger), or null when the request is not one (Fedify and the web
 * client take it from there).
 */
export function groupRoutes(services: Services, keys: KeyStore, contextLoader: () => DocumentLoader) {
  const d = services.domain;
  const { origin, domain } = services.config;
  return async (request: Request): Promise<Response | null> => {
    if (request.method !== "GET" && request.method !== "HEAD") return null;
    const url = new URL(request.url);
    if (url.pathname === "/.well-known/webfinger") return webFinger(url);
    const m = url.pathname.match(GROUP_PATH);
    if (!m || !wantsActivityPub(request)) return null;
    const loaded = await findLocalGroupBySlug(d, m[1]);
    if (!loaded) return m[2] ? activityJson({ error: "Not found" }, 404) : null;
    const urls = groupUrls(origin, loaded);
    // a members-only group tells how many, never who, nor what
    const open = loaded.group.visibility === "public";
    const groupId = loaded.account.id;
    switch (m[2]) {
      case undefined:
        return activityJson(await groupActorDocument(services, keys, loaded, contextLoader()));
      case "followers":
      case "members": {
        const total = await countGroupMembers(d, groupId);
        const items = open ? (await groupMemberUris(d, groupId, url.searchParams.get("cursor"))).items : null;
        return activityJson(orderedCollection(m[2] === "followers" ? urls.followers : urls.members, items, total));
      }
      case "moderators": {
        const total = await countGroupMembers(d, groupId, true);
        const items = open ? (await groupMemberUris(d, groupId, null, true)).items : null;
        return activityJson(orderedCollection(urls.moderators, items, total));
      }
      case "outbox": {
        if (!open) return activityJson(orderedCollection(urls.outbox, null, 0));
        const posts = await groupTimeline(d, null, groupId, { limit: OUTBOX_ITEMS });
        const { tos, ccs } = groupAddressing(origin, loaded);
        const items = posts.map((s) => ({
          id: `${urls.actor.href}/announces/statuses/${s.id}`,
          type: "Announce",
          actor: urls.actor.href,
          object: s.uri,
          published: s.createdAt.toISOString(),
          to: tos.map((u) => u.href),
          cc: ccs.map((u) => u.href),
        }));
        return activityJson({ ...orderedCollection(urls.outbox, null, items.length), orderedItems: items });
      }
    }
    return null;
  };

  async function webFinger(url: URL): Promise<Response | null> {
    const resource = url.searchParams.get("resource") ?? "";
    let slug: string | null = null;
    const acct = resource.match(/^acct:([A-Za-z0-9_]{1,30})@(.+)$/i);
    if (acct) {
      if (acct[2].toLowerCase() !== domain.toLowerCase()) return null;
      slug = acct[1];
    } else if (resource.startsWith(`${origin}/groups/`)) {
      slug = resource.slice(`${origin}/groups/`.length).match(GROUP_PATH_SLUG)?.[1] ?? null;
    }
    if (!slug) return null;
    const loaded = await findLocalGroupBySlug(d, slug);
    if (!loaded) return null;
    const uri = loaded.account.uri;
    return new Response(
      JSON.stringify({
        subject: `acct:${loaded.account.username}@${domain}`,
        aliases: [uri],
        links: [
          { rel: "self", type: "application/activity+json", href: uri },
          { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: uri },
        ],
      }),
      { headers: { "Content-Type": "application/jrd+json", "Access-Control-Allow-Origin": "*" } },
    );
  }
}

const GROUP_PATH_SLUG = /^([A-Za-z0-9_]{1,30})$/;
