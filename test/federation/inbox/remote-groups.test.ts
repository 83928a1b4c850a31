// Residents joining and reading remote groups: a Lemmy community and a
// Mobilizon group served by fake remote servers from the real payloads in
// test/fixtures/interop (origins rewritten), through the real inbox and outbox.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { favourites, groupMemberships, groups, statuses } from "../../../server/db/schema";
import { findAccountByUri } from "../../../server/domain/accounts";
import { findStatusByUri } from "../../../server/domain/statuses";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { createResident, type Resident } from "../../helpers/factories";
import { drainOutbox, inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { loadFixture, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";
import { waitFor } from "../../helpers/wait";

let t: FederatedInstance;
/** enterprise.lemmy.ml: the community's server (and Mobilizon's, on its own paths) */
let lemmy: FakeRemote;
/** ds9.lemmy.ml: another Lemmy instance whose users comment in the community */
let ds9: FakeRemote;
let alice: Resident;
let aliceUri: string;

beforeAll(async () => {
  t = await startFederatedInstance();
  lemmy = await startFakeRemote({ deliveries: true });
  ds9 = await startFakeRemote();
});
afterAll(async () => {
  await lemmy.close();
  await ds9.close();
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  lemmy.posts.length = 0;
  alice = await createResident(t, "alice");
  aliceUri = `${t.config.origin}/users/alice`;
});

const inbox = () => `${t.config.origin}/inbox`;
const ENTERPRISE = "https://enterprise.lemmy.ml";

/** Serves a fixture actor (a Group) with the fake server's own key. */
async function fixtureActor(remote: FakeRemote, fixture: string, from: string, path: string): Promise<FakeActor> {
  const doc = loadFixture(fixture, { [from]: remote.origin });
  delete doc.publicKey;
  delete doc["@context"];
  const existing = remote.actors.get(`${remote.origin}${path}`);
  if (existing) return existing;
  return remote.addActor(path, { type: "Group", username: String(doc.preferredUsername), extra: doc });
}

async function ensureActor(remote: FakeRemote, path: string): Promise<FakeActor> {
  return remote.actors.get(`${remote.origin}${path}`) ?? remote.addActor(path);
}

async function searchGroup(uri: string) {
  const res = await t.http.get("/api/v2/search").query({ q: uri, resolve: "true", type: "accounts" }).set("Authorization", alice.auth);
  expect(res.status).toBe(200);
  const [account] = res.body.accounts;
  expect([account?.url ?? account?.uri, account?.group]).toEqual([expect.any(String), true]);
  return account as { id: string; acct: string };
}

async function membership(groupId: string) {
  const [row] = await t.services.db
    .select()
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, alice.account.id)));
  return row;
}

async function deliver(remote: FakeRemote, activity: Json, options: Parameters<FakeRemote["post"]>[2] = {}): Promise<number> {
  const res = await remote.post(inbox(), activity, options);
  await inboxIdle(t);
  return res.status;
}

/** Joins the Lemmy community: search, join, the Follow it sends, and the community's Accept (Lemmy's payload). */
async function joinLemmyCommunity() {
  const group = await fixtureActor(lemmy, "lemmy-group.json", ENTERPRISE, "/c/tenforward");
  const account = await searchGroup(group.id);
  const join = await t.http.post(`/api/parvis/groups/${account.id}/join`).set("Authorization", alice.auth).send({});
  expect(join.status).toBe(200);
  expect(join.body.relationship.state).toBe("pending");
  await drainOutbox(t);
  const follow = await waitFor(() => lemmy.received("Follow")[0]);
  const accept = loadFixture("lemmy-accept-follow.json", {
    "http://enterprise.lemmy.ml/c/main": group.id,
    "http://ds9.lemmy.ml/u/lemmy_alpha": aliceUri,
    "http://ds9.lemmy.ml/activities/follow/6abcd50b-b8ca-4952-86b0-a6dd8cc12866": String(follow.activity.id),
    "http://enterprise.lemmy.ml": lemmy.origin,
  });
  expect(await deliver(lemmy, accept)).toBe(202);
  return { group, groupId: account.id, follow };
}

/** Lemmy's Announce(Create(Page)) from the community, by lemmy_beta of the same instance. */
async function announcePage(group: FakeActor) {
  await ensureActor(lemmy, "/u/lemmy_beta");
  const announce = loadFixture("lemmy-announce-create-page.json", {
    "http://enterprise.lemmy.ml/c/main": group.id,
    "http://enterprise.lemmy.ml": lemmy.origin,
  });
  return announce;
}

/** Lemmy's comment (Create(Note), from ds9) on `parentUri`, as the community announces it. */
async function announcedComment(group: FakeActor, parentUri: string, commentPath = "/comment/1") {
  await ensureActor(ds9, "/u/lemmy_alpha");
  const create = loadFixture("lemmy-create-note-comment.json", {
    "http://enterprise.lemmy.ml/c/main": group.id,
    "http://ds9.lemmy.ml/post/1": parentUri,
    "http://ds9.lemmy.ml/comment/1": `${ds9.origin}${commentPath}`,
    "http://ds9.lemmy.ml/activities/create/1e77d67c-44ac-45ed-bf2a-460e21f60236": `${ds9.origin}/activities/create${commentPath}`,
    "http://ds9.lemmy.ml": ds9.origin,
  });
  // the announced copy is the announcer's: changing it changes nothing of what the comment's server serves
  const { "@context": context, ...inner } = structuredClone(create);
  const announce: Json = {
    "@context": context,
    id: `${lemmy.origin}/activities/announce/comment-${Math.random().toString(36).slice(2)}`,
    type: "Announce",
    actor: group.id,
    to: ["https://www.w3.org/ns/activitystreams#Public"],
    cc: [`${group.id}/followers`],
    object: inner,
  };
  return { announce, create };
}

describe("a Lemmy community", () => {
  it("found by search gets a group (local id, Lemmy's collections and settings) and is joined with Follow → Accept", async () => {
    const { group, groupId, follow } = await joinLemmyCommunity();
    // the Follow: from alice, to the community, signed by her, its id stored on the membership
    expect([follow.activity.actor, follow.activity.object, follow.verified, follow.path]).toEqual([aliceUri, group.id, true, "/inbox"]);
    const row = await membership(groupId);
    expect([row.state, row.uri]).toEqual(["active", follow.activity.id]);
    const [groupRow] = await t.services.db.select().from(groups).where(eq(groups.accountId, groupId));
    expect([groupRow.kind, groupRow.moderatorsUrl, groupRow.posting, groupRow.membership]).toEqual([
      "topic",
      `${lemmy.origin}/c/tenforward/moderators`,
      "members",
      "open",
    ]);
    const res = await t.http.get(`/api/parvis/groups/${groupId}`).set("Authorization", alice.auth);
    expect([res.body.local, res.body.acct, res.body.name, res.body.account.group, res.body.relationship.state, res.body.relationship.can_post]).toEqual([
      false,
      `tenforward@${lemmy.domain}`,
      "Ten Forward",
      true,
      "active",
      true,
    ]);
  });

  it("an announcement channel (postingRestrictedToMods) is a moderators-only group", async () => {
    const doc = loadFixture("lemmy-group.json", { [ENTERPRISE]: lemmy.origin });
    delete doc.publicKey;
    delete doc["@context"];
    const actor = await lemmy.addActor("/c/announcements", { type: "Group", username: "announcements", extra: { ...doc, id: `${lemmy.origin}/c/announcements`, preferredUsername: "announcements", postingRestrictedToMods: true } });
    const account = await searchGroup(actor.id);
    const [row] = await t.services.db.select().from(groups).where(eq(groups.accountId, account.id));
    expect(row.posting).toBe("moderators");
  });

  it("Announce(Create(Page)) becomes the group's post: on the group page and in the member's home timeline", async () => {
    const { group, groupId } = await joinLemmyCommunity();
    const announce = await announcePage(group);
    expect(await deliver(lemmy, announce)).toBe(202);
    const stored = await findStatusByUri(t.services.domain, `${lemmy.origin}/post/7`);
    expect([stored?.groupId, stored?.visibility, stored?.reblogOfId]).toEqual([groupId, "public", null]);
    const page = await t.http.get(`/api/parvis/timelines/group/${groupId}`).set("Authorization", alice.auth);
    expect(page.body.map((s: { uri: string; content: string }) => [s.uri, s.content.includes("post 4")])).toEqual([[`${lemmy.origin}/post/7`, true]]);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(home.body.map((s: { uri: string }) => s.uri)).toEqual([`${lemmy.origin}/post/7`]);
  });

  it("an Announce claiming to come from the community but signed by someone else is refused: nothing stored", async () => {
    const { group } = await joinLemmyCommunity();
    const announce = await announcePage(group);
    const beta = await ensureActor(lemmy, "/u/lemmy_beta");
    const status = await deliver(lemmy, announce, { as: beta });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(await findStatusByUri(t.services.domain, `${lemmy.origin}/post/7`)).toBeUndefined();
  });

  it("an announced comment from another instance is fetched from its origin (not believed as embedded) and is a reply in the thread", async () => {
    const { group, groupId } = await joinLemmyCommunity();
    await deliver(lemmy, await announcePage(group));
    const parent = (await findStatusByUri(t.services.domain, `${lemmy.origin}/post/7`))!;
    const { announce, create } = await announcedComment(group, parent.uri);
    // the community's copy says one thing, the comment's own server another: its server is believed
    (announce.object as { object: Json }).object.content = "forged by the announcer";
    ds9.serve(new URL(String(create.id)).pathname, create);
    expect(await deliver(lemmy, announce)).toBe(202);
    const comment = await findStatusByUri(t.services.domain, `${ds9.origin}/comment/1`);
    expect([comment?.groupId, comment?.inReplyToId, comment?.content]).toEqual([groupId, parent.id, expect.stringContaining("hello")]);
    expect(comment?.content).not.toContain("forged");
    const page = await t.http.get(`/api/parvis/timelines/group/${groupId}`).set("Authorization", alice.auth);
    expect(page.body.map((s: { uri: string; in_reply_to_id: string | null }) => [s.uri, s.in_reply_to_id])).toEqual([
      [`${ds9.origin}/comment/1`, parent.id],
      [parent.uri, null],
    ]);
    ds9.unserve(new URL(String(create.id)).pathname);
  });

  it("an embedded comment from another origin that its origin does not serve is refused: nothing stored", async () => {
    const { group } = await joinLemmyCommunity();
    await deliver(lemmy, await announcePage(group));
    const parent = (await findStatusByUri(t.services.domain, `${lemmy.origin}/post/7`))!;
    const { announce } = await announcedComment(group, parent.uri, "/comment/unserved");
    expect(await deliver(lemmy, announce)).toBe(202);
    expect(await findStatusByUri(t.services.domain, `${ds9.origin}/comment/unserved`)).toBeUndefined();
    const rows = await t.services.db.select({ uri: statuses.uri }).from(statuses);
    expect(rows.map((r) => r.uri)).toEqual([parent.uri]);
  });

  it("Announce(Like) of a comment is a favourite; Announce(Delete) by the author removes the post", async () => {
    const { group } = await joinLemmyCommunity();
    await deliver(lemmy, await announcePage(group));
    const parent = (await findStatusByUri(t.services.domain, `${lemmy.origin}/post/7`))!;
    const { announce, create } = await announcedComment(group, parent.uri, "/comment/3");
    ds9.serve(new URL(String(create.id)).pathname, create);
    await deliver(lemmy, announce);
    const comment = (await findStatusByUri(t.services.domain, `${ds9.origin}/comment/3`))!;
    // Lemmy's vote, from ds9: fetched from ds9 as well
    const like = loadFixture("lemmy-like-note.json", {
      "http://enterprise.lemmy.ml/c/main": group.id,
      "http://ds9.lemmy.ml/comment/1": comment.uri,
      "http://ds9.lemmy.ml": ds9.origin,
    });
    ds9.serve(new URL(String(like.id)).pathname, like);
    const { "@context": likeContext, ...likeInner } = like;
    await deliver(lemmy, { "@context": likeContext, id: `${lemmy.origin}/activities/announce/like-1`, type: "Announce", actor: group.id, to: ["https://www.w3.org/ns/activitystreams#Public"], object: likeInner });
    const alpha = (await findAccountByUri(t.services.domain, `${ds9.origin}/u/lemmy_alpha`))!;
    const favs = await t.services.db.select().from(favourites).where(eq(favourites.statusId, comment.id));
    expect(favs.map((f) => f.accountId)).toEqual([alpha.id]);
    // Lemmy's Delete(Page), by the page's author on the community's instance
    const del = loadFixture("lemmy-delete-page.json", {
      "http://enterprise.lemmy.ml/c/main": group.id,
      "http://ds9.lemmy.ml/u/lemmy_alpha": `${lemmy.origin}/u/lemmy_beta`,
      "http://ds9.lemmy.ml/post/1": parent.uri,
      "http://ds9.lemmy.ml": lemmy.origin,
      "http://enterprise.lemmy.ml": lemmy.origin,
    });
    const { "@context": delContext, ...delInner } = del;
    await deliver(lemmy, { "@context": delContext, id: `${lemmy.origin}/activities/announce/delete-1`, type: "Announce", actor: group.id, to: ["https://www.w3.org/ns/activitystreams#Public"], object: delInner });
    expect(await findStatusByUri(t.services.domain, parent.uri)).toBeUndefined();
    ds9.unserve(new URL(String(create.id)).pathname);
    ds9.unserve(new URL(String(like.id)).pathname);
  });

  it("from a community nobody here belongs to, an Announce stores nothing", async () => {
    const group = await fixtureActor(lemmy, "lemmy-group.json", ENTERPRISE, "/c/tenforward");
    await searchGroup(group.id);
    expect(await deliver(lemmy, await announcePage(group))).toBe(202);
    expect(await findStatusByUri(t.services.domain, `${lemmy.origin}/post/7`)).toBeUndefined();
  });

  it("a post into the community is a Create addressed to it (audience), delivered to its server, and shows on the group page", async () => {
    const { group, groupId } = await joinLemmyCommunity();
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "Bonjour Ten Forward", group_id: groupId });
    expect(res.status).toBe(200);
    await drainOutbox(t);
    const create = await waitFor(() => lemmy.received("Create/Note")[0]);
    const note = create.activity.object as Json;
    expect([create.verified, create.activity.actor, note.audience, note.to, create.activity.audience]).toEqual([
      true,
      aliceUri,
      group.id,
      expect.arrayContaining([group.id, "https://www.w3.org/ns/activitystreams#Public"]),
      group.id,
    ]);
    const page = await t.http.get(`/api/parvis/timelines/group/${groupId}`).set("Authorization", alice.auth);
    expect(page.body.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
  });

  it("leaving sends Undo(Follow) naming the Follow; a Reject of a request drops it", async () => {
    const { group, groupId, follow } = await joinLemmyCommunity();
    const leave = await t.http.post(`/api/parvis/groups/${groupId}/leave`).set("Authorization", alice.auth).send({});
    expect([leave.status, leave.body.relationship.state]).toEqual([200, null]);
    await drainOutbox(t);
    // its signature is checked as it arrives: waited for too
    const undo = await waitFor(() => lemmy.received("Undo").find((p) => p.verified !== undefined));
    expect([(undo.activity.object as Json).id, (undo.activity.object as Json).object, undo.verified]).toEqual([follow.activity.id, group.id, true]);
    expect(await membership(groupId)).toBeUndefined();
    // asks again; the community says no
    await t.http.post(`/api/parvis/groups/${groupId}/join`).set("Authorization", alice.auth).send({});
    await drainOutbox(t);
    const again = await waitFor(() => lemmy.received("Follow").find((p) => p.activity.id !== follow.activity.id));
    expect((await membership(groupId))?.state).toBe("pending");
    await deliver(lemmy, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${lemmy.origin}/activities/reject/1`,
      type: "Reject",
      actor: group.id,
      to: [aliceUri],
      object: again.activity,
    });
    expect(await membership(groupId)).toBeUndefined();
  });
});

describe("a Mobilizon group", () => {
  const MOBILIZON = "https://mobilizon.fr";

  it("is found, joined, and its announced event (Announce of the object's id, fetched) is the group's post", async () => {
    const group = await fixtureActor(lemmy, "mobilizon-group.json", MOBILIZON, "/@contribateliers");
    const account = await searchGroup(group.id);
    const [row] = await t.services.db.select().from(groups).where(eq(groups.accountId, account.id));
    expect([row.membersUrl, row.membership]).toEqual([`${lemmy.origin}/@contribateliers/members`, "open"]);
    await t.http.post(`/api/parvis/groups/${account.id}/join`).set("Authorization", alice.auth).send({});
    await drainOutbox(t);
    const follow = await waitFor(() => lemmy.received("Follow").find((p) => p.activity.object === group.id));
    // Mobilizon answers with an Accept embedding the Follow (as Lemmy's payload does)
    await deliver(lemmy, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${group.id}/accept/1`,
      type: "Accept",
      actor: group.id,
      to: [aliceUri],
      object: follow!.activity,
    });
    expect((await membership(account.id))?.state).toBe("active");
    await ensureActor(lemmy, "/@emorrp1");
    const event = loadFixture("mobilizon-event.json", {
      "https://rendezvous.nomagic.uk/@devon_caledonian_society": group.id,
      "https://rendezvous.nomagic.uk": lemmy.origin,
    });
    lemmy.serve(new URL(String(event.id)).pathname, event);
    await deliver(lemmy, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${group.id}/announces/1`,
      type: "Announce",
      actor: group.id,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      object: event.id,
    });
    const stored = await findStatusByUri(t.services.domain, String(event.id));
    expect([stored?.groupId, stored?.accountId, stored?.content.includes("Caledonian scottish dance class")]).toEqual([account.id, account.id, true]);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", alice.auth);
    expect(home.body.map((s: { uri: string }) => s.uri)).toEqual([event.id]);
    const rows = await t.services.db.select({ id: statuses.id }).from(statuses).where(eq(statuses.groupId, account.id));
    expect(rows).toHaveLength(1);
  });
});
