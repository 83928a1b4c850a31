// Groups made through the API, as a resident would: the tests of test/api/groups*.
import { expect } from "vitest";
import { createResident, type Resident } from "./factories";
import type { TestInstance } from "./instance";

export interface GroupBody {
  id: string;
  slug: string;
  name: string;
  kind: string;
  charter: string;
  charter_version: number;
  visibility: string;
  membership: string;
  posting: string;
  members_count: number;
  account: { id: string; group: boolean; followers_count: number; locked: boolean; acct: string };
  relationship: { state: string | null; role: string | null; banned: boolean; charter_version: number | null; can_post: boolean; can_moderate: boolean } | null;
}

export async function makeGroup(t: TestInstance, owner: Resident, body: Record<string, unknown> = {}): Promise<GroupBody> {
  const res = await t.http
    .post("/api/parvis/groups")
    .set("Authorization", owner.auth)
    .send({ slug: `g${Math.random().toString(36).slice(2, 10)}`, name: "Quartier de la Gare", kind: "neighbourhood", ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as GroupBody;
}

export async function join(t: TestInstance, who: Resident, groupId: string, body: Record<string, unknown> = {}) {
  return t.http.post(`/api/parvis/groups/${groupId}/join`).set("Authorization", who.auth).send(body);
}

export async function postIn(t: TestInstance, who: Resident, groupId: string, text: string, extra: Record<string, unknown> = {}) {
  return t.http.post("/api/v1/statuses").set("Authorization", who.auth).send({ status: text, group_id: groupId, ...extra });
}

/** A group with an admin, a moderator, a member, and a resident outside it. */
export async function cast(t: TestInstance, body: Record<string, unknown> = {}) {
  const admin = await createResident(t, "gadmin");
  const moderator = await createResident(t, "gmod");
  const member = await createResident(t, "gmember");
  const outsider = await createResident(t, "goutsider");
  const group = await makeGroup(t, admin, { membership: "open", ...body });
  const charter = group.kind === "vigilance" ? { accept_charter: true } : {};
  for (const r of [moderator, member]) expect((await join(t, r, group.id, charter)).status).toBe(200);
  const promoted = await t.http
    .patch(`/api/parvis/groups/${group.id}/members/${moderator.account.id}`)
    .set("Authorization", admin.auth)
    .send({ role: "moderator" });
  expect(promoted.status).toBe(200);
  // the group's settings asked for (approval, posting) apply from here on
  return { admin, moderator, member, outsider, group };
}
