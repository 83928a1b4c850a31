// A members-only group hosted on A, with members on B and C: a post by B's
// member reaches C's member although B lets no other server fetch it. A keeps
// the Create bob's server signed (FEP-8b32 integrity proof) and announces it
// embedded; C believes it because the proof is bob's (ADR 0024). Three real
// Parvis instances on loopback; the hostile cases are sent to C as A's group.
import { signObject, signRequest, verifyObject } from "@fedify/fedify";
import { Announce, Create, Note } from "@fedify/vocab";
import { describe, expect, it } from "vitest";
import { findStatusByUri } from "../../../server/domain/statuses";
import { findAccountByUri } from "../../../server/domain/accounts";
import { findLocalGroup, getGroup } from "../../../server/domain/groups";
import { signedGroupActivity } from "../../../server/domain/group-posts";
import { verifiedAuthorActivity, withProof, type JsonObject } from "../../../federation/integrity";
import { groupAnnounceJson } from "../../../federation/to-activitypub/group";
import { api, ApiError, findRemote, resident, settle, usePeers, TEST_TIMEOUT, WAIT, type ApiStatus, type Peer, type Resident } from "../../helpers/federation";
import { makeGroup, type GroupBody } from "../../helpers/groups";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;
let C: Peer;

usePeers(3, (peers) => ([A, B, C] = peers));

const handleOfGroup = (g: GroupBody) => `@${g.slug}@${A.domain}`;

/** `who` on `peer` joins A's group through the Parvis API; returns the group's id there, once A accepted. */
async function joinedFrom(peer: Peer, who: Resident, g: GroupBody): Promise<string> {
  const found = await findRemote(peer, who, handleOfGroup(g));
  await api(peer, who, "POST", `/api/parvis/groups/${found.id}/join`, {});
  await waitFor(
    async () => (await api<{ relationship: { state: string | null } | null }>(peer, who, "GET", `/api/parvis/groups/${found.id}`)).relationship?.state === "active",
    WAIT,
    `${peer.name}: the group's Accept`,
  );
  return found.id;
}

async function groupTimeline(peer: Peer, viewer: Resident | null, groupId: string): Promise<ApiStatus[]> {
  return api<ApiStatus[]>(peer, viewer, "GET", `/api/parvis/timelines/group/${groupId}`);
}

async function statusCode(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof ApiError) return e.status;
    throw e;
  }
}

/** Captures what C's inbox was delivered (the payloads as received, queued by Fedify). */
function captureInbox(peer: Peer): JsonObject[] {
  const seen: JsonObject[] = [];
  const queue = peer.parvis.queues.inbox;
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = async (message, options) => {
    const activity = (message as { activity?: unknown }).activity;
    if (activity && typeof activity === "object") seen.push(activity as JsonObject);
    return enqueue(message, options);
  };
  return seen;
}

/** POSTs `json` to C's shared inbox as A's group (its HTTP signature, RSA key). */
async function deliverAsGroup(g: GroupBody, json: JsonObject): Promise<number> {
  const loaded = await getGroup(A.services.domain, g.id);
  const pairs = await A.parvis.keys.getKeyPairs(loaded.account.id);
  const rsa = pairs.find((p) => p.privateKey.algorithm.name !== "Ed25519")!;
  const request = new Request(`${C.url}/inbox`, {
    method: "POST",
    headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
    body: JSON.stringify(json),
  });
  const signed = await signRequest(request, rsa.privateKey, new URL("#main-key", loaded.account.uri));
  const res = await fetch(signed);
  return res.status;
}

/** The group's Announce (signed by the group, as A sends it) of an embedded activity. */
async function groupAnnounceOf(g: GroupBody, embedded: JsonObject): Promise<JsonObject> {
  const loaded = (await findLocalGroup(A.services.domain, g.id))!;
  const pairs = await A.parvis.keys.getKeyPairs(loaded.account.id);
  const ed = pairs.find((p) => p.privateKey.algorithm.name === "Ed25519")!;
  return withProof(groupAnnounceJson(A.config.origin, loaded, embedded), ed.privateKey, new URL("#ed25519-key", loaded.account.uri));
}

/** A Create of a Note by `who` on B into the group, signed with the Ed25519 key of `signer` (a resident of B). */
async function signedCreate(g: GroupBody, who: Resident, signer: Resident, content: string): Promise<JsonObject> {
  const ctx = B.parvis.context();
  const actor = ctx.getActorUri(who.account.username);
  const groupUri = new URL(`${A.config.origin}/groups/${g.slug}`);
  const noteId = new URL(`${actor.href}/statuses/${Date.now()}${Math.floor(Math.random() * 1000)}`);
  const create = new Create({
    id: new URL(`${noteId.href}/activity`),
    actor,
    object: new Note({ id: noteId, attribution: actor, content, tos: [groupUri], audience: groupUri }),
    tos: [groupUri],
  });
  const pairs = await ctx.getActorKeyPairs(signer.account.username);
  const ed = pairs.find((p) => p.privateKey.algorithm.name === "Ed25519")!;
  // under the id its actor document publishes the key as a Multikey (assertionMethod), as Fedify signs
  const signed = await signObject(create, ed.privateKey, ed.multikey.id!);
  return (await signed.toJsonLd({ format: "compact" })) as JsonObject;
}

describe("a members-only group on A, with members on B and C", { timeout: TEST_TIMEOUT }, () => {
  it("B's member posts: A keeps bob's signed Create and announces it embedded; C's member reads it with bob as author; nobody else reads it", async () => {
    const delivered = captureInbox(C);
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const carol = await resident(C, "carol");
    const erin = await resident(C, "erin");
    const g = await makeGroup(A, alice, { visibility: "members" });
    const onB = await joinedFrom(B, bob, g);
    const onC = await joinedFrom(C, carol, g);

    const status = await api<ApiStatus>(B, bob, "POST", "/api/v1/statuses", { status: "Réunion du comité jeudi à 18 h", group_id: onB });
    const onA = await waitFor(() => findStatusByUri(A.services.domain, status.uri), WAIT, "the post on A");
    expect(onA.groupId).toBe(g.id);
    // A kept the Create as bob's server sent it, with bob's proof
    const kept = await signedGroupActivity(A.services.domain, onA.id, "Create");
    expect(kept).not.toBeNull();
    const keptVerified = await verifiedAuthorActivity(A.parvis.context(), kept);
    expect(keptVerified?.actorId?.href).toBe(B.parvis.context().getActorUri(bob.account.username).href);

    // C's member reads it on C's page of the group, by bob
    const seen = await waitFor(async () => (await groupTimeline(C, carol, onC)).find((s) => s.uri === status.uri), WAIT, "bob's post on C's group page");
    expect(seen.account.acct).toBe(`${bob.account.username}@${B.domain}`);
    expect(seen.content).toContain("Réunion du comité");
    const stored = (await findStatusByUri(C.services.domain, status.uri))!;
    const groupOnC = await findAccountByUri(C.services.domain, `${A.config.origin}/groups/${g.slug}`);
    expect(stored.groupId).toBe(groupOnC?.id);

    // what C was delivered: the group's Announce, its own proof valid, embedding bob's Create whose proof is bob's
    const announce = delivered.find((a) => a.type === "Announce" && (a.object as JsonObject | undefined)?.id === kept?.id);
    expect(announce).toBeDefined();
    expect(JSON.stringify((announce!.object as JsonObject).proof)).toBe(JSON.stringify(kept!.proof));
    expect(await verifyObject(Announce, announce!, { documentLoader: C.parvis.documentLoader, contextLoader: C.parvis.context().contextLoader })).not.toBeNull();
    const inner = await verifiedAuthorActivity(C.parvis.context(), announce!.object);
    expect(inner?.objectId?.href).toBe(status.uri);

    // nobody else reads it: C's non-member, anonymous readers on any instance, an unsigned fetch at its origin
    const onCForErin = await statusCode(api(C, erin, "GET", `/api/v1/statuses/${stored.id}`));
    expect(onCForErin).toBe(404);
    expect(await statusCode(api(C, null, "GET", `/api/v1/statuses/${stored.id}`))).toBe(404);
    expect(await statusCode(api(A, null, "GET", `/api/v1/statuses/${onA.id}`))).toBe(404);
    expect(await statusCode(api(B, null, "GET", `/api/v1/statuses/${status.id}`))).toBe(404);
    const erinList = await groupTimeline(C, erin, onC).catch((e: unknown) => (e instanceof ApiError ? [] : Promise.reject(e)));
    expect(erinList.map((s) => s.uri)).not.toContain(status.uri);
    const anonymousAtOrigin = await fetch(status.uri, { headers: { accept: "application/activity+json" } });
    expect([401, 403, 404]).toContain(anonymousAtOrigin.status);

    // an edit reaches C the same way: bob's signed Update, embedded
    await api(B, bob, "PUT", `/api/v1/statuses/${status.id}`, { status: "Réunion du comité vendredi à 18 h" });
    await waitFor(async () => (await findStatusByUri(C.services.domain, status.uri))?.content.includes("vendredi"), WAIT, "the edit on C");
    expect(await signedGroupActivity(A.services.domain, onA.id, "Update")).not.toBeNull();
  });

  it("refused at C, nothing stored: an embedded Create changed after signing, one signed by a key not its actor's, and an Announce not signed by the group", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const mallory = await resident(B, "mallory");
    const carol = await resident(C, "carol");
    const g = await makeGroup(A, alice, { visibility: "members" });
    await joinedFrom(B, bob, g);
    await joinedFrom(B, mallory, g);
    await joinedFrom(C, carol, g);

    // bob's genuine Create, its content changed after signing (the group's server is the forger)
    const genuine = await signedCreate(g, bob, bob, "Le comité se réunit jeudi");
    const tampered = structuredClone(genuine);
    (tampered.object as JsonObject).content = "Le comité est annulé";
    expect(await deliverAsGroup(g, await groupAnnounceOf(g, tampered))).toBe(202);
    // a Create by bob with a valid proof, but by mallory's key
    const wrongKey = await signedCreate(g, bob, mallory, "Le comité est annulé");
    expect(await deliverAsGroup(g, await groupAnnounceOf(g, wrongKey))).toBe(202);
    // an Announce claiming to be the group's, HTTP-signed by bob's server with bob's key
    const forged = await groupAnnounceOf(g, genuine);
    const bobKeys = await B.parvis.context().getActorKeyPairs(bob.account.username);
    const rsa = bobKeys.find((p) => p.privateKey.algorithm.name !== "Ed25519")!;
    const { proof: _groupProof, ...unsignedForged } = forged;
    const request = await signRequest(
      new Request(`${C.url}/inbox`, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(unsignedForged) }),
      rsa.privateKey,
      rsa.keyId,
    );
    expect((await fetch(request)).status).toBe(401);
    await settle([A, B, C]);
    const noteOf = (c: JsonObject) => (c.object as JsonObject).id as string;
    expect(await findStatusByUri(C.services.domain, noteOf(tampered))).toBeUndefined();
    expect(await findStatusByUri(C.services.domain, noteOf(wrongKey))).toBeUndefined();

    // the control: the same Create as bob signed it is believed
    expect(await deliverAsGroup(g, await groupAnnounceOf(g, genuine))).toBe(202);
    const stored = await waitFor(() => findStatusByUri(C.services.domain, noteOf(genuine)), WAIT, "the genuine Create on C");
    expect(stored.content).toContain("jeudi");
  });
});
