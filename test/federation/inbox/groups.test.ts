// Our groups as the fediverse meets them (FEP-1b12): the Group actor, its
// collections and WebFinger; a Mastodon user's Follow (real payload) joins,
// its Create mentioning the group posts into it and the group announces it;
// bans, approval, charters, Undo; and hostile input refused with nothing stored.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accounts, groupMemberships, statuses } from "../../../server/db/schema";
import { findStatusByUri } from "../../../server/domain/statuses";
import { invalidateDomainPolicyCache } from "../../../server/domain/domains";
import { createResident, type Resident } from "../../helpers/factories";
import { makeGroup, type GroupBody } from "../../helpers/groups";
import { waitFor, sleep } from "../../helpers/wait";
import { drainOutbox, inboxIdle, startFederatedInstance, type FederatedInstance } from "../support/instance";
import { loadFixture, startFakeRemote, type FakeActor, type FakeRemote, type Json } from "../support/fake-remote";

let t: FederatedInstance;
let remote: FakeRemote;
let admin: Resident;
let felix: FakeActor;

const AP = "application/activity+json";

beforeAll(async () => {
  t = await startFederatedInstance();
  remote = await startFakeRemote({ deliveries: true });
  felix = await remote.addActor("/users/felix");
});
afterAll(async () => {
  await remote.close();
  await t.stop();
});
beforeEach(async () => {
  // what the previous test sent is delivered before the slate is cleaned
  await drainOutbox(t);
  await t.reset();
  invalidateDomainPolicyCache(t.services.domain);
  remote.posts.length = 0;
  admin = await createResident(t, "gadmin");
});

const inbox = () => `${t.config.origin}/inbox`;
const groupUri = (g: GroupBody) => `${t.config.origin}/groups/${g.slug}`;

/** Mastodon's Follow (fixture), from felix to the group. */
function followOf(g: GroupBody, n = 1): Json {
  const follow = loadFixture("mastodon-follow.json", { "https://masto.asonix.dog/users/asonix": felix.id, "https://ds9.lemmy.ml/c/testcom": groupUri(g) });
  return { ...follow, id: `${remote.origin}/follows/${g.slug}-${n}` };
}

/** Mastodon's Create(Note) (fixture) by felix, mentioning the group as Mastodon addresses a mention (cc + Mention tag). */
function createInto(g: GroupBody, n: string, target = groupUri(g)): Json {
  const activity = loadFixture("mastodon-create-note.json", {
    "https://mastodon.madrid/users/felix/statuses/107224289116410645": `${remote.origin}/users/felix/statuses/${n}`,
    "https://mastodon.madrid/users/felix": felix.id,
    "https://mastodon.madrid/@felix": `${remote.origin}/@felix`,
    "https://mamot.fr/users/retiolus": target,
    "https://mamot.fr/@retiolus": target,
    "@retiolus@mamot.fr": `@${g.slug}@${t.config.domain}`,
  });
  const note = activity.object as Json;
  // the fixture answers a post elsewhere: here it starts a thread in the group
  delete note.inReplyTo;
  delete note.inReplyToAtomUri;
  return activity;
}

async function deliver(activity: Json, as?: FakeActor): Promise<number> {
  const res = await remote.post(inbox(), activity, as ? { as } : {});
  await inboxIdle(t);
  return res.status;
}

async function accountOf(uri: string) {
  const [row] = await t.services.db.select().from(accounts).where(eq(accounts.uri, uri));
  return row ?? null;
}

async function membership(g: GroupBody, accountUri = felix.id) {
  const account = await accountOf(accountUri);
  if (!account) return null;
  const [row] = await t.services.db
    .select()
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, g.id), eq(groupMemberships.accountId, account.id)));
  return row ?? null;
}

async function joined(g: GroupBody): Promise<void> {
  expect(await deliver(followOf(g))).toBe(202);
  expect((await membership(g))?.state).toBe("active");
}

describe("the Group actor", () => {
  it("is served at /groups/{slug} with its keys, inbox, collections and Lemmy's terms", async () => {
    const g = await makeGroup(t, admin, { membership: "approval", posting: "moderators", description: "Le quartier" });
    const res = await t.http.get(`/groups/${g.slug}`).set("Accept", AP);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain(AP);
    const actor = JSON.parse(res.text);
    expect(actor).toMatchObject({
      id: groupUri(g),
      type: "Group",
      preferredUsername: g.slug,
      name: "Quartier de la Gare",
      inbox: `${t.config.origin}/inbox`,
      outbox: `${groupUri(g)}/outbox`,
      followers: `${groupUri(g)}/followers`,
      members: `${groupUri(g)}/members`,
      moderators: `${groupUri(g)}/moderators`,
      attributedTo: `${groupUri(g)}/moderators`,
      manuallyApprovesFollowers: true,
      postingRestrictedToMods: true,
      endpoints: { sharedInbox: `${t.config.origin}/inbox` },
    });
    expect(actor.publicKey).toMatchObject({ id: `${groupUri(g)}#main-key`, owner: groupUri(g) });
    expect(actor.publicKey.publicKeyPem).toContain("BEGIN PUBLIC KEY");
    expect(actor.summary).toContain("Le quartier");
  });

  it("is found by WebFinger as acct:slug@domain and by its URL", async () => {
    const g = await makeGroup(t, admin);
    for (const resource of [`acct:${g.slug}@${t.config.domain}`, groupUri(g)]) {
      const res = await t.http.get(`/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      expect(res.status).toBe(200);
      const jrd = JSON.parse(res.text);
      expect(jrd.subject).toBe(`acct:${g.slug}@${t.config.domain}`);
      expect(jrd.links).toContainEqual({ rel: "self", type: AP, href: groupUri(g) });
    }
    // residents still answer as before
    const res = await t.http.get(`/.well-known/webfinger?resource=acct:gadmin@${t.config.domain}`);
    expect(JSON.parse(res.text).links[0].href).toBe(`${t.config.origin}/users/gadmin`);
  });

  it("lists its members and moderators; a members-only group gives counts only", async () => {
    const open = await makeGroup(t, admin);
    const moderators = JSON.parse((await t.http.get(`/groups/${open.slug}/moderators`).set("Accept", AP)).text);
    expect(moderators).toMatchObject({ type: "OrderedCollection", totalItems: 1, orderedItems: [`${t.config.origin}/users/gadmin`] });
    const closed = await makeGroup(t, admin, { visibility: "members" });
    for (const c of ["followers", "members", "moderators"]) {
      const body = JSON.parse((await t.http.get(`/groups/${closed.slug}/${c}`).set("Accept", AP)).text);
      expect(body.totalItems).toBe(1);
      expect(body.orderedItems).toBeUndefined();
    }
    const outbox = JSON.parse((await t.http.get(`/groups/${closed.slug}/outbox`).set("Accept", AP)).text);
    expect(outbox.orderedItems).toBeUndefined();
  });

  it("an unknown group is 404 for ActivityPub, and the web page for a browser", async () => {
    expect((await t.http.get("/groups/nosuchgroup/members").set("Accept", AP)).status).toBe(404);
    const g = await makeGroup(t, admin);
    const page = await t.http.get(`/groups/${g.slug}`).set("Accept", "text/html");
    expect(page.headers["content-type"] ?? "").not.toContain(AP);
  });
});

describe("joining from another server", () => {
  it("a Mastodon Follow joins an open group at once; the group answers Accept, signed with its key", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const row = await membership(g);
    expect(row).toMatchObject({ role: "member", uri: `${remote.origin}/follows/${g.slug}-1` });
    const [accept] = await waitFor(() => (remote.received("Accept").length ? remote.received("Accept") : null));
    expect(accept.activity.actor).toBe(groupUri(g));
    expect(accept.activity.object.id).toBe(`${remote.origin}/follows/${g.slug}-1`);
    await waitFor(() => accept.verified !== undefined);
    expect(accept.verified).toBe(true);
    const group = await t.http.get(`/api/parvis/groups/${g.id}`);
    expect(group.body.members_count).toBe(2);
  });

  it("an approval group keeps a join request; Accept once a moderator approves, Reject when one refuses", async () => {
    const g = await makeGroup(t, admin, { membership: "approval" });
    expect(await deliver(followOf(g))).toBe(202);
    expect((await membership(g))?.state).toBe("pending");
    await drainOutbox(t);
    expect(remote.received("Accept")).toHaveLength(0);
    const account = (await accountOf(felix.id))!;
    const ok = await t.http.post(`/api/parvis/groups/${g.id}/requests/${account.id}/approve`).set("Authorization", admin.auth);
    expect(ok.status).toBe(200);
    const [accept] = await waitFor(() => (remote.received("Accept").length ? remote.received("Accept") : null));
    expect(accept.activity.object.id).toBe(`${remote.origin}/follows/${g.slug}-1`);

    const other = await makeGroup(t, admin, { membership: "approval" });
    expect(await deliver(followOf(other, 2))).toBe(202);
    const no = await t.http.post(`/api/parvis/groups/${other.id}/requests/${account.id}/reject`).set("Authorization", admin.auth);
    expect(no.status).toBe(200);
    const [reject] = await waitFor(() => (remote.received("Reject").length ? remote.received("Reject") : null));
    expect(reject.activity).toMatchObject({ actor: groupUri(other), object: { id: `${remote.origin}/follows/${other.slug}-2` } });
    expect(await membership(other)).toBeNull();
  });

  it("a vigilance group records the Follow as acceptance of the charter version its actor shows", async () => {
    const g = await makeGroup(t, admin, { kind: "vigilance", charter: "Nous publions ce que nous trouvons." });
    const actor = JSON.parse((await t.http.get(`/groups/${g.slug}`).set("Accept", AP)).text);
    expect(actor).toMatchObject({ charter: "Nous publions ce que nous trouvons.", charterVersion: 1 });
    await joined(g);
    const row = await membership(g);
    expect(row?.charterVersion).toBe(1);
    expect(row?.charterAcceptedAt).toBeInstanceOf(Date);
  });

  it("a banned actor's Follow is answered Reject, and nothing is stored", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const account = (await accountOf(felix.id))!;
    const ban = await t.http.post(`/api/parvis/groups/${g.id}/bans`).set("Authorization", admin.auth).send({ account_id: account.id });
    expect(ban.status).toBe(200);
    expect(await membership(g)).toBeNull();
    // the ban itself ends the membership on the member's server: Reject of the Follow that made it
    const ended = await waitFor(() => (remote.received("Reject").length ? remote.received("Reject") : null));
    expect(ended.map((r) => r.activity.object.id)).toEqual([`${remote.origin}/follows/${g.slug}-1`]);
    expect(await deliver(followOf(g, 2))).toBe(202);
    const rejects = await waitFor(() => (remote.received("Reject").length > 1 ? remote.received("Reject") : null));
    expect(rejects[1].activity.object.id).toBe(`${remote.origin}/follows/${g.slug}-2`);
    expect(await membership(g)).toBeNull();
  });

  it("a remote member removed by a moderator is told: the group's Reject of its Follow, signed with the group's key", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const account = (await accountOf(felix.id))!;
    const res = await t.http.delete(`/api/parvis/groups/${g.id}/members/${account.id}`).set("Authorization", admin.auth);
    expect(res.status).toBe(200);
    expect(await membership(g)).toBeNull();
    const [reject] = await waitFor(() => (remote.received("Reject").length ? remote.received("Reject") : null));
    expect(reject.activity.actor).toBe(groupUri(g));
    expect(reject.activity.object).toMatchObject({ type: "Follow", id: `${remote.origin}/follows/${g.slug}-1`, actor: felix.id, object: groupUri(g) });
    await waitFor(() => reject.verified !== undefined);
    expect(reject.verified, reject.error).toBe(true);
  });

  it("a change of the group is sent to its member servers as Update(Group), with its new name and Parvis's terms", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const res = await t.http
      .patch(`/api/parvis/groups/${g.id}`)
      .set("Authorization", admin.auth)
      .send({ name: "Quartier Nord", description: "Nouveau texte", charter: "Une charte", posting: "moderators" });
    expect(res.status).toBe(200);
    const [update] = await waitFor(() => (remote.received("Update").length ? remote.received("Update") : null));
    expect(update.activity.actor).toBe(groupUri(g));
    const object = update.activity.object as Json;
    expect(object).toMatchObject({ id: groupUri(g), type: "Group", name: "Quartier Nord" });
    expect(String(object.summary)).toContain("Nouveau texte");
    const json = JSON.stringify(object);
    expect(json).toContain("Une charte");
    expect(json).toContain("postingRestrictedToMods");
    await waitFor(() => update.verified !== undefined);
    expect(update.verified, update.error).toBe(true);
    // nothing changed: nothing sent
    remote.posts.length = 0;
    await t.http.patch(`/api/parvis/groups/${g.id}`).set("Authorization", admin.auth).send({});
    await drainOutbox(t);
    expect(remote.received("Update")).toEqual([]);
  });

  it("Undo(Follow) (Mastodon's payload) leaves the group", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const undo = loadFixture("mastodon-undo-follow.json", {
      "https://masto.asonix.dog/users/asonix": felix.id,
      "https://masto.asonix.dog/1ea87517-63c5-4118-8831-460ee641b2cf": `${remote.origin}/follows/${g.slug}-1`,
      "https://ds9.lemmy.ml/c/testcom": groupUri(g),
    });
    undo.id = `${remote.origin}/undos/${g.slug}`;
    expect(await deliver(undo)).toBe(202);
    expect(await membership(g)).toBeNull();
  });
});

describe("posting into a group from another server", () => {
  it("a member's Create mentioning the group (Mastodon) is stored in the group and announced to the member servers, once each", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const activity = createInto(g, "1");
    expect(await deliver(activity)).toBe(202);
    const uri = (activity.object as Json).id as string;
    const status = await waitFor(() => findStatusByUri(t.services.domain, uri));
    expect(status.groupId).toBe(g.id);
    expect(status.visibility).toBe("public");
    const announces = await waitFor(() => (remote.received("Announce").length ? remote.received("Announce") : null));
    await drainOutbox(t);
    // felix's server hosts one member: one request
    expect(remote.received("Announce")).toHaveLength(1);
    expect(announces[0].path).toBe("/inbox");
    expect(announces[0].activity).toMatchObject({ actor: groupUri(g), object: uri, to: "https://www.w3.org/ns/activitystreams#Public", cc: `${groupUri(g)}/followers` });
    await waitFor(() => announces[0].verified !== undefined);
    expect(announces[0].verified).toBe(true);
    // the group's timeline shows it
    const timeline = await t.http.get(`/api/parvis/timelines/group/${g.id}`);
    expect(timeline.body.map((s: { uri: string }) => s.uri)).toContain(uri);
  });

  it("Lemmy's `audience` and the members collection in `to` address the group too", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const byAudience = createInto(g, "2", `${remote.origin}/users/nobody`);
    (byAudience.object as Json).audience = groupUri(g);
    await deliver(byAudience);
    expect((await findStatusByUri(t.services.domain, (byAudience.object as Json).id as string))?.groupId).toBe(g.id);
    const byMembers = createInto(g, "3", `${groupUri(g)}/members`);
    await deliver(byMembers);
    expect((await findStatusByUri(t.services.domain, (byMembers.object as Json).id as string))?.groupId).toBe(g.id);
  });

  it("a members-only group stores the post as private, and announces it to its members collection, never Public", async () => {
    const g = await makeGroup(t, admin, { visibility: "members" });
    await joined(g);
    const activity = createInto(g, "4");
    await deliver(activity);
    const status = await waitFor(() => findStatusByUri(t.services.domain, (activity.object as Json).id as string));
    expect(status.visibility).toBe("private");
    const announce = await waitFor(() => remote.received("Announce").find((p) => p.activity.object === status.uri));
    expect(announce.activity.to).toBe(`${groupUri(g)}/members`);
    expect(JSON.stringify(announce.activity)).not.toContain("#Public");
  });

  it("an edit and a deletion by the author are announced by the group", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const activity = createInto(g, "5");
    await deliver(activity);
    const note = activity.object as Json;
    await waitFor(() => remote.received("Announce").length > 0);
    const update = { "@context": activity["@context"], id: `${note.id}#updates/1`, type: "Update", actor: felix.id, to: note.to, cc: note.cc, object: { ...note, content: "<p>corrigé</p>", updated: new Date().toISOString() } };
    await deliver(update);
    expect((await findStatusByUri(t.services.domain, note.id as string))?.content).toContain("corrigé");
    const announcedUpdate = await waitFor(() => remote.received("Announce").find((p) => p.activity.object?.type === "Update"));
    expect(announcedUpdate.activity.object).toMatchObject({ actor: felix.id, object: note.id });

    await deliver({ "@context": "https://www.w3.org/ns/activitystreams", id: `${note.id}#delete`, type: "Delete", actor: felix.id, object: { id: note.id, type: "Tombstone" } });
    expect(await findStatusByUri(t.services.domain, note.id as string)).toBeUndefined();
    const announcedDelete = await waitFor(() => remote.received("Announce").find((p) => p.activity.object?.type === "Delete"));
    expect(announcedDelete.activity.object).toMatchObject({ actor: groupUri(g), object: { id: note.id } });
  });

  it("a moderator's removal is announced as the group's Delete", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const activity = createInto(g, "6");
    await deliver(activity);
    const status = await waitFor(() => findStatusByUri(t.services.domain, (activity.object as Json).id as string));
    const res = await t.http.delete(`/api/parvis/groups/${g.id}/statuses/${status.id}`).set("Authorization", admin.auth);
    expect(res.status).toBeLessThan(300);
    const announced = await waitFor(() => remote.received("Announce").find((p) => p.activity.object?.type === "Delete"));
    expect(announced.activity.object).toMatchObject({ actor: groupUri(g), object: { id: status.uri } });
  });

  it("a resident's post in the group is announced to the remote members, with its Note", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const res = await t.http.post("/api/v1/statuses").set("Authorization", admin.auth).send({ status: "Réunion jeudi", group_id: g.id });
    expect(res.status).toBe(200);
    const [announce] = await waitFor(() => (remote.received("Announce").length ? remote.received("Announce") : null));
    expect(announce.activity.object).toMatchObject({ id: res.body.uri, type: "Note" });
    // and the author's own followers are not sent a Create of it
    expect(remote.received("Create")).toHaveLength(0);
  });
});

describe("hostile input", () => {
  it("a Create into the group from a non-member is refused, nothing stored", async () => {
    const g = await makeGroup(t, admin);
    const activity = createInto(g, "7");
    expect(await deliver(activity)).toBe(202);
    expect(await findStatusByUri(t.services.domain, (activity.object as Json).id as string)).toBeUndefined();
    await drainOutbox(t);
    expect(remote.received("Announce")).toHaveLength(0);
  });

  it("a member's post into a moderators-only group is refused, nothing stored", async () => {
    const g = await makeGroup(t, admin, { posting: "moderators" });
    await joined(g);
    const activity = createInto(g, "8");
    await deliver(activity);
    expect(await findStatusByUri(t.services.domain, (activity.object as Json).id as string)).toBeUndefined();
  });

  it("a banned member's later posts are refused, nothing stored", async () => {
    const g = await makeGroup(t, admin);
    await joined(g);
    const account = (await accountOf(felix.id))!;
    await t.http.post(`/api/parvis/groups/${g.id}/bans`).set("Authorization", admin.auth).send({ account_id: account.id });
    const activity = createInto(g, "9");
    await deliver(activity);
    expect(await findStatusByUri(t.services.domain, (activity.object as Json).id as string)).toBeUndefined();
  });

  it("an Announce claiming to be by our group, signed elsewhere, is refused: nothing stored", async () => {
    const g = await makeGroup(t, admin);
    const before = (await t.services.db.select({ id: statuses.id }).from(statuses)).length;
    const forged = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${groupUri(g)}/announces/forged`,
      type: "Announce",
      actor: groupUri(g),
      object: `${remote.origin}/users/felix/statuses/forged`,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
    };
    const status = await deliver(forged, felix);
    expect([202, 401]).toContain(status);
    await sleep(200);
    expect((await t.services.db.select({ id: statuses.id }).from(statuses)).length).toBe(before);
  });
});
