// A resident of one Parvis joining, reading and posting in a group hosted by
// another Parvis, through each one's API: WebFinger finds the group, Follow →
// Accept makes the membership, the group's Announces fill the group page and
// the home timeline, a post from here reaches the group's instance.
import { describe, expect, it } from "vitest";
import { findStatusByUri } from "../../../server/domain/statuses";
import { api, findRemote, homeTimeline, post, resident, settle, usePeers, TEST_TIMEOUT, WAIT, type Peer, type Resident } from "../../helpers/federation";
import { waitFor } from "../../helpers/wait";

let A: Peer;
let B: Peer;

usePeers(2, (peers) => ([A, B] = peers));

interface ApiGroup {
  id: string;
  name: string;
  description: string;
  charter: string;
  membership: string;
  posting: string;
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

  /** `who` on A joins B's group (found by its handle) and waits for B's Accept; returns the group as A knows it. */
  async function joinFromA(who: Resident, slug: string): Promise<ApiGroup> {
    const found = await findRemote(A, who, `@${slug}@${B.domain}`);
    await api(A, who, "POST", `/api/parvis/groups/${found.id}/join`, {});
    return waitFor(
      async () => {
        const g = await api<ApiGroup>(A, who, "GET", `/api/parvis/groups/${found.id}`);
        return g.relationship?.state === "active" ? g : null;
      },
      WAIT,
      "B's Accept",
    );
  }

  const myGroups = async (who: Resident) => (await api<ApiGroup[]>(A, who, "GET", "/api/parvis/groups?mine=true")).map((g) => g.id);

  async function memberOnB(bob: Resident, groupId: string, who: Resident): Promise<string> {
    const list = await api<{ account: { id: string; acct: string } }[]>(B, bob, "GET", `/api/parvis/groups/${groupId}/members`);
    return list.find((m) => m.account.acct === `${who.account.username}@${A.domain}`)!.account.id;
  }

  it("a member removed or banned on B hears it (Reject(Follow)): A drops the membership; the ban still refuses a later post", async () => {
    const bob = await resident(B, "bob");
    const frank = await resident(A, "frank");
    const gina = await resident(A, "gina");
    const slug = `comite${Math.random().toString(36).slice(2, 7)}`;
    const hosted = await api<ApiGroup>(B, bob, "POST", "/api/parvis/groups", { slug, name: "Comité des fêtes", kind: "association" });
    const group = await joinFromA(frank, slug);
    await joinFromA(gina, slug);
    expect(await myGroups(frank)).toContain(group.id);

    // removed by the group's admin on B: frank's "Mes groupes" on A no longer lists it
    await api(B, bob, "DELETE", `/api/parvis/groups/${hosted.id}/members/${await memberOnB(bob, hosted.id, frank)}`);
    await waitFor(async () => !(await myGroups(frank)).includes(group.id), WAIT, "the removal on A");
    expect((await api<ApiGroup>(A, frank, "GET", `/api/parvis/groups/${group.id}`)).relationship?.state ?? null).toBeNull();

    // banned: the same, and a post gina still sends to the group (a mention) is not stored on B
    await api(B, bob, "POST", `/api/parvis/groups/${hosted.id}/bans`, { account_id: await memberOnB(bob, hosted.id, gina) });
    await waitFor(async () => !(await myGroups(gina)).includes(group.id), WAIT, "the ban on A");
    const refused = await post(A, gina, `@${slug}@${B.domain} toujours là`);
    // joining again is asked, and refused by B: the membership goes again
    await api(A, gina, "POST", `/api/parvis/groups/${group.id}/join`, {});
    await waitFor(async () => !(await myGroups(gina)).includes(group.id), WAIT, "B's Reject of the new request");
    await settle([A, B]);
    expect(await findStatusByUri(B.services.domain, refused.uri)).toBeUndefined();
    const members = await api<{ account: { acct: string } }[]>(B, bob, "GET", `/api/parvis/groups/${hosted.id}/members`);
    expect(members.map((m) => m.account.acct)).toEqual([bob.account.username]);
  });

  it("a change of the group on B (name, description, charter, settings) reaches its members' server: A shows the new profile", async () => {
    const bob = await resident(B, "bob");
    const hana = await resident(A, "hana");
    const slug = `jardin${Math.random().toString(36).slice(2, 7)}`;
    const hosted = await api<ApiGroup>(B, bob, "POST", "/api/parvis/groups", { slug, name: "Jardin partagé", kind: "association", description: "Avant" });
    const group = await joinFromA(hana, slug);
    expect(group.name).toBe("Jardin partagé");

    await api(B, bob, "PATCH", `/api/parvis/groups/${hosted.id}`, {
      name: "Jardin partagé des Tilleuls",
      description: "Rendez-vous chaque samedi",
      charter: "Respecter les parcelles des autres",
      membership: "approval",
      posting: "moderators",
      kind: "neighbourhood",
    });
    const updated = await waitFor(
      async () => {
        const g = await api<ApiGroup>(A, hana, "GET", `/api/parvis/groups/${group.id}`);
        return g.name === "Jardin partagé des Tilleuls" && g.posting === "moderators" ? g : null;
      },
      WAIT,
      "the Update(Group) on A",
    );
    expect(updated.description).toContain("Rendez-vous chaque samedi");
    expect([updated.charter, updated.membership, updated.posting, updated.kind]).toEqual(["Respecter les parcelles des autres", "approval", "moderators", "neighbourhood"]);
    // the account row too (the Mastodon view of the group)
    const account = await api<{ display_name: string; locked: boolean }>(A, hana, "GET", `/api/v1/accounts/${group.id}`);
    expect([account.display_name, account.locked]).toEqual(["Jardin partagé des Tilleuls", true]);
  });
});
