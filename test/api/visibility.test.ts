// Visibility is enforced on every read path: a followers-only status and a direct
// one, tried as a visitor, a stranger, a follower and a mentioned account.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import type { Status } from "../../server/domain/statuses";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

type Role = "visitor" | "stranger" | "follower" | "mentioned";
type Kind = "private" | "direct";

interface World {
  author: Resident;
  residents: Record<Exclude<Role, "visitor">, Resident>;
  root: Status;
  target: Status;
}

/**
 * The author posts a public root and, as a self-reply to it, the target status
 * (followers-only or direct) mentioning "mentioned", tagged and searchable.
 * "follower" follows the author; "mentioned" and "stranger" do not.
 */
async function world(kind: Kind): Promise<World> {
  const author = await createResident(t, "author");
  const follower = await createResident(t, "follower");
  const stranger = await createResident(t, "stranger");
  const mentioned = await createResident(t, "mentioned");
  await follow(t.services.domain, follower.account, author.account);
  const root = await createPost(t, author, "Racine publique");
  const target = await createPost(t, author, `motsecret #quartier @mentioned (${kind})`, { visibility: kind, inReplyToId: root.id });
  return { author, residents: { follower, stranger, mentioned }, root, target };
}

function get(w: World, role: Role, url: string) {
  const req = t.http.get(url);
  if (role !== "visitor") req.set("Authorization", w.residents[role].auth);
  return req;
}
function post(w: World, role: Role, url: string) {
  const req = t.http.post(url);
  if (role !== "visitor") req.set("Authorization", w.residents[role].auth);
  return req;
}
async function listed(w: World, role: Role, url: string): Promise<boolean> {
  const res = await get(w, role, url);
  expect(res.status).toBe(200);
  return idsOf(res.body).includes(w.target.id);
}

/** Who may see the target: the follower (private only) and the mentioned account. */
function sees(kind: Kind, role: Role): boolean {
  if (role === "mentioned") return true;
  return kind === "private" && role === "follower";
}

interface Path {
  name: string;
  /** skipped for visitors (the endpoint needs a resident) */
  residentsOnly?: boolean;
  /** expected outcome when it differs from sees() */
  expected?: (kind: Kind, role: Role) => boolean;
  /** true when the target was reachable through this path */
  reach: (w: World, role: Role) => Promise<boolean>;
}

const paths: Path[] = [
  { name: "GET /api/v1/statuses/:id", reach: async (w, r) => (await get(w, r, `/api/v1/statuses/${w.target.id}`)).status === 200 },
  { name: "GET /api/v1/statuses?id[]=", reach: (w, r) => listed(w, r, `/api/v1/statuses?id[]=${w.target.id}&id[]=${w.root.id}`) },
  { name: "GET /api/v1/statuses/:id/context", reach: async (w, r) => (await get(w, r, `/api/v1/statuses/${w.target.id}/context`)).status === 200 },
  {
    name: "the context of the public parent",
    reach: async (w, r) => idsOf((await get(w, r, `/api/v1/statuses/${w.root.id}/context`)).body.descendants).includes(w.target.id),
  },
  { name: "GET /api/v1/statuses/:id/history", reach: async (w, r) => (await get(w, r, `/api/v1/statuses/${w.target.id}/history`)).status === 200 },
  { name: "GET favourited_by", reach: async (w, r) => (await get(w, r, `/api/v1/statuses/${w.target.id}/favourited_by`)).status === 200 },
  { name: "GET reblogged_by", reach: async (w, r) => (await get(w, r, `/api/v1/statuses/${w.target.id}/reblogged_by`)).status === 200 },
  { name: "the author's statuses", reach: (w, r) => listed(w, r, `/api/v1/accounts/${w.author.account.id}/statuses`) },
  { name: "the author's statuses with min_id", reach: (w, r) => listed(w, r, `/api/v1/accounts/${w.author.account.id}/statuses?min_id=${w.root.id}`) },
  { name: "the author's statuses with since_id", reach: (w, r) => listed(w, r, `/api/v1/accounts/${w.author.account.id}/statuses?since_id=${w.root.id}`) },
  {
    name: "the home timeline",
    residentsOnly: true,
    // the home timeline holds followed accounts only: the mentioned non-follower has it nowhere
    expected: (kind, role) => role === "follower" && kind === "private",
    reach: (w, r) => listed(w, r, "/api/v1/timelines/home"),
  },
  {
    name: "the home timeline with min_id",
    residentsOnly: true,
    expected: (kind, role) => role === "follower" && kind === "private",
    reach: (w, r) => listed(w, r, `/api/v1/timelines/home?min_id=${w.root.id}`),
  },
  { name: "the local timeline", expected: () => false, reach: (w, r) => listed(w, r, "/api/v1/timelines/public?local=true") },
  { name: "the federated timeline with since_id", expected: () => false, reach: (w, r) => listed(w, r, `/api/v1/timelines/public?since_id=${w.root.id}`) },
  { name: "the local timeline with min_id", expected: () => false, reach: (w, r) => listed(w, r, `/api/v1/timelines/public?local=true&min_id=${w.root.id}`) },
  { name: "the hashtag timeline", expected: () => false, reach: (w, r) => listed(w, r, "/api/v1/timelines/tag/quartier") },
  {
    name: "search",
    reach: async (w, r) => {
      const res = await get(w, r, "/api/v2/search?q=motsecret&type=statuses");
      expect(res.status).toBe(200);
      return idsOf(res.body.statuses).includes(w.target.id);
    },
  },
  {
    name: "the notifications",
    residentsOnly: true,
    // only the mention creates a notification carrying the status
    expected: (_kind, role) => role === "mentioned",
    reach: async (w, r) => {
      const res = await get(w, r, "/api/v1/notifications");
      expect(res.status).toBe(200);
      return res.body.some((n: { status?: { id: string } | null }) => n.status?.id === w.target.id);
    },
  },
  {
    name: "favouriting",
    reach: async (w, r) => {
      const res = await post(w, r, `/api/v1/statuses/${w.target.id}/favourite`);
      expect([200, 401, 404]).toContain(res.status);
      return res.status === 200;
    },
  },
];

const kinds: [Kind, string][] = [
  ["private", "followers-only"],
  ["direct", "direct"],
];
const roles: [Role, string][] = [
  ["visitor", "a visitor"],
  ["stranger", "a stranger"],
  ["follower", "a follower"],
  ["mentioned", "a mentioned account"],
];

function audience(expected: (role: Role) => boolean, residentsOnly = false): string {
  const who = roles.filter(([role]) => !(residentsOnly && role === "visitor") && expected(role)).map(([, label]) => label);
  return who.length ? `only to ${who.join(" and ")}` : "to nobody";
}

// One test per path and kind of status, each trying all four viewers on one world:
// the answer is compared as a { role: reached } map so a failure names the viewer.
for (const [kind, kindLabel] of kinds) {
  describe(`a ${kindLabel} status`, () => {
    for (const path of paths) {
      const expectedFor = (role: Role) => (path.expected ? path.expected(kind, role) : sees(kind, role));
      it(`${path.name} shows a ${kindLabel} status ${audience(expectedFor, path.residentsOnly)}`, async () => {
        const w = await world(kind);
        const reached: Partial<Record<Role, boolean>> = {};
        const wanted: Partial<Record<Role, boolean>> = {};
        for (const [role] of roles) {
          if (path.residentsOnly && role === "visitor") continue;
          reached[role] = await path.reach(w, role);
          wanted[role] = expectedFor(role);
        }
        expect(reached).toEqual(wanted);
      });
    }

    it(`reblogging a ${kindLabel} status is refused to everyone: 401 visitor, 403 when visible, 404 when not`, async () => {
      const w = await world(kind);
      const codes: Partial<Record<Role, number>> = {};
      const wanted: Partial<Record<Role, number>> = {};
      for (const [role] of roles) {
        codes[role] = (await post(w, role, `/api/v1/statuses/${w.target.id}/reblog`)).status;
        wanted[role] = role === "visitor" ? 401 : sees(kind, role) ? 403 : 404;
      }
      expect(codes).toEqual(wanted);
    });
  });
}

describe("a followers-only status reblogged by its author", () => {
  it("the reblog is readable only by a follower", async () => {
    const w = await world("private");
    const boost = await t.http.post(`/api/v1/statuses/${w.target.id}/reblog`).set("Authorization", w.author.auth);
    expect(boost.status).toBe(200);
    const codes: Partial<Record<Role, number>> = {};
    for (const [role] of roles) codes[role] = (await get(w, role, `/api/v1/statuses/${boost.body.id}`)).status;
    expect(codes).toEqual({ visitor: 404, stranger: 404, follower: 200, mentioned: 404 });
  });

  it("the reblog is not in the author's statuses for a visitor", async () => {
    const w = await world("private");
    const boost = await t.http.post(`/api/v1/statuses/${w.target.id}/reblog`).set("Authorization", w.author.auth);
    const res = await t.http.get(`/api/v1/accounts/${w.author.account.id}/statuses`);
    expect(idsOf(res.body)).not.toContain(boost.body.id);
  });
});

describe("visibility changes over time", () => {
  it("a follower who unfollows loses the followers-only status from every list", async () => {
    const w = await world("private");
    const follower = w.residents.follower;
    await t.http.post(`/api/v1/accounts/${w.author.account.id}/unfollow`).set("Authorization", follower.auth);
    expect(await listed(w, "follower", `/api/v1/accounts/${w.author.account.id}/statuses`)).toBe(false);
    expect(await listed(w, "follower", "/api/v1/timelines/home")).toBe(false);
    expect((await get(w, "follower", `/api/v1/statuses/${w.target.id}`)).status).toBe(404);
  });

  it("a mentioned account blocked by the author loses the direct status", async () => {
    const w = await world("direct");
    await t.http.post(`/api/v1/accounts/${w.residents.mentioned.account.id}/block`).set("Authorization", w.author.auth);
    expect((await get(w, "mentioned", `/api/v1/statuses/${w.target.id}`)).status).toBe(404);
    const notes = await get(w, "mentioned", "/api/v1/notifications");
    expect(notes.body.some((n: { status?: { id: string } | null }) => n.status?.id === w.target.id)).toBe(false);
  });
});
