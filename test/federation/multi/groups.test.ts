// A group hosted on A, joined by residents of B and C through their Mastodon
// API (follow of the group's account: a Follow to the Group actor), posted
// into from B by mentioning it, and announced by the group to C — three real
// Parvis instances on loopback.
import { describe, expect, it } from "vitest";
import { findStatusByUri } from "../../../server/domain/statuses";
import { api, findRemote, post, relationship, resident, settle, usePeers, TEST_TIMEOUT, WAIT, type ApiAccount, type Peer, type Resident } from "../../helpers/federation";
import { makeGroup, type GroupBody } from "../../helpers/groups";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;
let C: Peer;

usePeers(3, (peers) => ([A, B, C] = peers));

const handleOfGroup = (g: GroupBody) => `@${g.slug}@${A.domain}`;

/** `who` on `peer` follows A's group through the Mastodon API (the group's account, found by WebFinger). */
async function joinFrom(peer: Peer, who: Resident, g: GroupBody): Promise<ApiAccount> {
  const groupThere = await findRemote(peer, who, handleOfGroup(g));
  await api(peer, who, "POST", `/api/v1/accounts/${groupThere.id}/follow`);
  return groupThere;
}

async function joinedFrom(peer: Peer, who: Resident, g: GroupBody): Promise<ApiAccount> {
  const groupThere = await joinFrom(peer, who, g);
  await waitFor(async () => (await relationship(peer, who, groupThere.id)).following, WAIT, `${peer.name}: the group's Accept`);
  return groupThere;
}

async function groupTimelineUris(g: GroupBody, viewer: Resident): Promise<string[]> {
  const list = await api<{ uri: string }[]>(A, viewer, "GET", `/api/parvis/timelines/group/${g.id}`);
  return list.map((s) => s.uri);
}

/** alice's group on A, joined by bob from B and carol from C. */
async function groupOnAWithMembersOnBAndC(): Promise<{ alice: Resident; bob: Resident; carol: Resident; g: GroupBody }> {
  const alice = await resident(A, "alice");
  const bob = await resident(B, "bob");
  const carol = await resident(C, "carol");
  const g = await makeGroup(A, alice);
  await joinedFrom(B, bob, g);
  await joinedFrom(C, carol, g);
  return { alice, bob, carol, g };
}

describe("a group hosted on A, with members on B and C", { timeout: TEST_TIMEOUT }, () => {
  it("B's resident joins; posts into the group; C's member gets the group's Announce; edit and delete reach A; a moderator removes a post on A", async () => {
    const { alice, bob, carol, g } = await groupOnAWithMembersOnBAndC();
    const members = await api<{ account: { acct: string } }[]>(A, alice, "GET", `/api/parvis/groups/${g.id}/members`);
    expect(members.map((m) => m.account.acct).sort()).toEqual([alice.account.username, `${bob.account.username}@${B.domain}`, `${carol.account.username}@${C.domain}`].sort());

    // bob posts into the group as a Mastodon user would: mentioning it
    const status = await post(B, bob, `${handleOfGroup(g)} Réunion du comité jeudi à 18 h`);
    const onA = await waitFor(() => findStatusByUri(A.services.domain, status.uri), WAIT, "the post on A");
    expect(onA.groupId).toBe(g.id);
    expect(await groupTimelineUris(g, alice)).toContain(status.uri);
    // C has it through the group's Announce (C's resident does not follow bob)
    const onC = await waitFor(() => findStatusByUri(C.services.domain, status.uri), WAIT, "the post on C");
    expect(onC.content).toContain("Réunion du comité");

    // the edit reaches A
    await api(B, bob, "PUT", `/api/v1/statuses/${status.id}`, { status: `${handleOfGroup(g)} Réunion du comité vendredi à 18 h` });
    await waitFor(async () => (await findStatusByUri(A.services.domain, status.uri))?.content.includes("vendredi"), WAIT, "the edit on A");
    // the deletion reaches A
    await api(B, bob, "DELETE", `/api/v1/statuses/${status.id}`);
    await waitFor(async () => (await findStatusByUri(A.services.domain, status.uri)) === undefined, WAIT, "the deletion on A");

    // a moderator's removal on A
    const second = await post(B, bob, `${handleOfGroup(g)} Un message hors sujet`);
    const secondOnA = await waitFor(() => findStatusByUri(A.services.domain, second.uri), WAIT, "the second post on A");
    await waitFor(() => findStatusByUri(C.services.domain, second.uri), WAIT, "the second post on C");
    await api(A, alice, "DELETE", `/api/parvis/groups/${g.id}/statuses/${secondOnA.id}`);
    expect(await findStatusByUri(A.services.domain, second.uri)).toBeUndefined();
  });

  it("what a member on C has follows the post's life: B's author edits it, a moderator on A removes one, the author deletes another", async () => {
    const { alice, bob, carol, g } = await groupOnAWithMembersOnBAndC();
    const contentOn = async (peer: Peer, uri: string) => (await findStatusByUri(peer.services.domain, uri))?.content;

    // (a) bob's post reaches C through the group; bob's edit follows it there
    const edited = await post(B, bob, `${handleOfGroup(g)} Vide-grenier samedi`);
    await waitFor(async () => (await contentOn(C, edited.uri))?.includes("samedi"), WAIT, "the post on C");
    await api(B, bob, "PUT", `/api/v1/statuses/${edited.id}`, { status: `${handleOfGroup(g)} Vide-grenier dimanche` });
    await waitFor(async () => (await contentOn(C, edited.uri))?.includes("dimanche"), WAIT, "the edit on C");
    const onC = await findStatusByUri(C.services.domain, edited.uri);
    expect(onC?.editedAt).toBeTruthy();

    // (b) a moderator on A removes a post of bob's: gone from A and from C; bob keeps his own post on B
    const removed = await post(B, bob, `${handleOfGroup(g)} Publicité hors sujet`);
    const removedOnA = await waitFor(() => findStatusByUri(A.services.domain, removed.uri), WAIT, "the second post on A");
    await waitFor(() => findStatusByUri(C.services.domain, removed.uri), WAIT, "the second post on C");
    await api(A, alice, "DELETE", `/api/parvis/groups/${g.id}/statuses/${removedOnA.id}`);
    expect(await findStatusByUri(A.services.domain, removed.uri)).toBeUndefined();
    await waitFor(async () => (await findStatusByUri(C.services.domain, removed.uri)) === undefined, WAIT, "the removal on C");
    expect(await findStatusByUri(B.services.domain, removed.uri)).toBeTruthy();
    // a post by carol (C) removed on A: gone from B's copy too
    const carols = await post(C, carol, `${handleOfGroup(g)} Hors sujet aussi`);
    const carolsOnA = await waitFor(() => findStatusByUri(A.services.domain, carols.uri), WAIT, "carol's post on A");
    await waitFor(() => findStatusByUri(B.services.domain, carols.uri), WAIT, "carol's post on B");
    await api(A, alice, "DELETE", `/api/parvis/groups/${g.id}/statuses/${carolsOnA.id}`);
    await waitFor(async () => (await findStatusByUri(B.services.domain, carols.uri)) === undefined, WAIT, "the removal on B");

    // (c) bob deletes a post: gone from A and from C
    const deleted = await post(B, bob, `${handleOfGroup(g)} Message à retirer`);
    await waitFor(() => findStatusByUri(C.services.domain, deleted.uri), WAIT, "the third post on C");
    await api(B, bob, "DELETE", `/api/v1/statuses/${deleted.id}`);
    await waitFor(async () => (await findStatusByUri(A.services.domain, deleted.uri)) === undefined, WAIT, "the deletion on A");
    await waitFor(async () => (await findStatusByUri(C.services.domain, deleted.uri)) === undefined, WAIT, "the deletion on C");
    // the edited post is still there, on each
    for (const peer of [A, B, C]) expect(await contentOn(peer, edited.uri)).toContain("dimanche");
  });

  it("an approval group: B's request is pending until approved on A, then B follows", async () => {
    const alice = await resident(A, "alice");
    const dave = await resident(B, "dave");
    const g = await makeGroup(A, alice, { membership: "approval" });
    const groupOnB = await joinFrom(B, dave, g);
    const requests = await waitFor(
      async () => {
        const list = await api<{ account: { id: string } }[]>(A, alice, "GET", `/api/parvis/groups/${g.id}/requests`);
        return list.length ? list : null;
      },
      WAIT,
      "the join request on A",
    );
    expect(await relationship(B, dave, groupOnB.id)).toMatchObject({ following: false, requested: true });
    await api(A, alice, "POST", `/api/parvis/groups/${g.id}/requests/${requests[0].account.id}/approve`);
    await waitFor(async () => (await relationship(B, dave, groupOnB.id)).following, WAIT, "the Accept on B");
  });

  it("a ban refuses the banned member's later posts, and a non-member's post is refused: nothing stored", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const erin = await resident(C, "erin");
    const g = await makeGroup(A, alice);
    await joinedFrom(B, bob, g);
    const bobOnA = (await api<{ account: { id: string; acct: string } }[]>(A, alice, "GET", `/api/parvis/groups/${g.id}/members`)).find((m) =>
      m.account.acct.startsWith(bob.account.username),
    )!;
    await api(A, alice, "POST", `/api/parvis/groups/${g.id}/bans`, { account_id: bobOnA.account.id });
    const banned = await post(B, bob, `${handleOfGroup(g)} encore moi`);
    // erin never joined
    await findRemote(C, erin, handleOfGroup(g));
    const outsider = await post(C, erin, `${handleOfGroup(g)} je ne suis pas membre`);
    await settle([A, B, C]);
    expect(await findStatusByUri(A.services.domain, banned.uri)).toBeUndefined();
    expect(await findStatusByUri(A.services.domain, outsider.uri)).toBeUndefined();
    expect(await groupTimelineUris(g, alice)).toEqual([]);
  });
});
