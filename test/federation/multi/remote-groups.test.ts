// A resident of one Parvis joining, reading and posting in a group hosted by
// another Parvis, through each one's API: WebFinger finds the group, Follow →
// Accept makes the membership, the group's Announces fill the group page and
// the home timeline, a post from here reaches the group's instance.
import { describe, expect, it } from "vitest";
import { api, findRemote, homeTimeline, resident, usePeers, TEST_TIMEOUT, WAIT, type Peer } from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

interface ApiGroup {
  id: string;
  acct: string;
  kind: string;
  local: boolean;
  account: { group: boolean };
  relationship: { state: string | null; can_post: boolean } | null;
}

describe("a group of another Parvis", { timeout: TEST_TIMEOUT }, () => {
  it("is found by its handle, joined (Follow → Accept), read and posted in from here", async () => {
    const alice = await resident(A, "alice");
    const bob = await resident(B, "bob");
    const slug = `quartier${Math.random().toString(36).slice(2, 7)}`;
    const hosted = await api<ApiGroup>(B, bob, "POST", "/api/parvis/groups", { slug, name: "Quartier de la Gare", kind: "neighbourhood" });

    // WebFinger on B, then the Group actor: a group here, with B's kind
    const found = await findRemote(A, alice, `@${slug}@${B.domain}`);
    expect((found as typeof found & { group?: boolean }).group).toBe(true);
    const group = await api<ApiGroup>(A, alice, "GET", `/api/parvis/groups/${found.id}`);
    expect([group.local, group.kind, group.account.group]).toEqual([false, "neighbourhood", true]);

    const joined = await api<ApiGroup>(A, alice, "POST", `/api/parvis/groups/${found.id}/join`, {});
    expect(joined.relationship?.state).toBe("pending");
    const active = await waitFor(
      async () => {
        const g = await api<ApiGroup>(A, alice, "GET", `/api/parvis/groups/${found.id}`);
        return g.relationship?.state === "active" ? g : null;
      },
      WAIT,
      "B's Accept of alice's Follow",
    );
    expect(active.relationship?.can_post).toBe(true);
    // B counts alice among the group's members
    const members = await api<{ account: { acct: string } }[]>(B, bob, "GET", `/api/parvis/groups/${hosted.id}/members`);
    expect(members.map((m) => m.account.acct)).toContain(`${alice.account.username}@${A.domain}`);

    // bob posts in the group on B: its Announce brings the post to A's group page and alice's home
    const bobPost = await api<{ uri: string }>(B, bob, "POST", "/api/v1/statuses", { status: "Réunion jeudi à 19 h", group_id: hosted.id });
    const onA = await waitFor(
      async () => (await api<{ uri: string }[]>(A, alice, "GET", `/api/parvis/timelines/group/${found.id}`)).find((s) => s.uri === bobPost.uri),
      WAIT,
      "bob's group post on A's group page",
    );
    expect(onA).toBeTruthy();
    expect((await homeTimeline(A, alice)).map((s) => s.uri)).toContain(bobPost.uri);

    // alice posts into the group from A: B stores it in the group
    const alicePost = await api<{ id: string; uri: string }>(A, alice, "POST", "/api/v1/statuses", { status: "J'y serai", group_id: found.id });
    const onB = await waitFor(
      async () => (await api<{ uri: string }[]>(B, bob, "GET", `/api/parvis/timelines/group/${hosted.id}`)).find((s) => s.uri === alicePost.uri),
      WAIT,
      "alice's post on B's group page",
    );
    expect(onB).toBeTruthy();
    const page = await api<{ id: string }[]>(A, alice, "GET", `/api/parvis/timelines/group/${found.id}`);
    expect(page.map((s) => s.id)).toContain(alicePost.id);

    // leaving: Undo(Follow), and B no longer counts her
    await api(A, alice, "POST", `/api/parvis/groups/${found.id}/leave`, {});
    await waitFor(
      async () => {
        const list = await api<{ account: { acct: string } }[]>(B, bob, "GET", `/api/parvis/groups/${hosted.id}/members`);
        return list.some((m) => m.account.acct === `${alice.account.username}@${A.domain}`) ? null : true;
      },
      WAIT,
      "alice gone from B's members",
    );
  });
});
