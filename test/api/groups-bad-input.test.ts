// Bad input on every group endpoint: malformed JSON, wrong types, huge bodies,
// injection strings, unknown ids — a clear 4xx with {"error"}, nothing stored, never a 500.
import { describe, expect, it } from "vitest";
import { countRows } from "../helpers/api";
import { cast } from "../helpers/groups";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));

const TABLES = ["accounts", "groups", "group_memberships", "group_bans", "group_pins", "group_removals", "statuses"];

async function snapshot() {
  return Promise.all(TABLES.map((name) => countRows(t, name)));
}

type Method = "post" | "patch" | "delete";

function writeRoutes(groupId: string, accountId: string, statusId: string): [Method, string][] {
  return [
    ["post", "/api/parvis/groups"],
    ["patch", `/api/parvis/groups/${groupId}`],
    ["post", `/api/parvis/groups/${groupId}/join`],
    ["patch", `/api/parvis/groups/${groupId}/members/${accountId}`],
    ["post", `/api/parvis/groups/${groupId}/bans`],
    ["delete", `/api/parvis/groups/${groupId}/statuses/${statusId}`],
  ];
}

describe("group endpoints refuse bad input with nothing stored", () => {
  it("malformed JSON is a 400 with an error", async () => {
    const { admin, member, group } = await cast(t);
    const before = await snapshot();
    for (const [method, path] of writeRoutes(group.id, member.account.id, "1")) {
      const res = await t.http[method](path).set("Authorization", admin.auth).set("Content-Type", "application/json").send('{"name": "x",');
      expect(res.status, path).toBe(400);
      expect(res.body.error, path).toBeTruthy();
    }
    expect(await snapshot()).toEqual(before);
  });

  it("wrong types and unknown values are 422s", async () => {
    const { admin, member, group } = await cast(t);
    const before = await snapshot();
    const cases: [Method, string, unknown][] = [
      ["post", "/api/parvis/groups", { slug: 12, name: "x", kind: "topic" }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: ["x"], kind: "topic" }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: "x", kind: "party" }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: "x", kind: "topic", visibility: "secret" }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: "x", kind: "topic", membership: true }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: "x", kind: "topic", posting: "everyone" }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: "x", kind: "topic", unknown_field: 1 }],
      ["post", "/api/parvis/groups", { slug: "with space", name: "x", kind: "topic" }],
      ["post", "/api/parvis/groups", { slug: "admin", name: "x", kind: "topic" }],
      ["post", "/api/parvis/groups", { slug: "ok_slug", name: "   ", kind: "topic" }],
      ["post", "/api/parvis/groups", [1, 2]],
      ["patch", `/api/parvis/groups/${group.id}`, { name: 5 }],
      ["patch", `/api/parvis/groups/${group.id}`, { slug: "rename" }],
      ["patch", `/api/parvis/groups/${group.id}`, { kind: "vigilance", charter: "" }],
      ["post", `/api/parvis/groups/${group.id}/join`, { accept_charter: "maybe" }],
      ["patch", `/api/parvis/groups/${group.id}/members/${member.account.id}`, { role: "owner" }],
      ["patch", `/api/parvis/groups/${group.id}/members/${member.account.id}`, {}],
      ["post", `/api/parvis/groups/${group.id}/bans`, { account_id: "abc" }],
      ["post", `/api/parvis/groups/${group.id}/bans`, { account_id: member.account.id, reason: 7 }],
      ["post", "/api/v1/statuses", { status: "x", group_id: "abc" }],
      ["post", "/api/v1/statuses", { status: "x", group_id: 12 }],
    ];
    for (const [method, path, body] of cases) {
      const res = await t.http[method](path).set("Authorization", admin.auth).send(body as object);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(422);
      expect(res.body.error).toBeTruthy();
    }
    expect(await snapshot()).toEqual(before);
  });

  it("huge bodies and over-long fields are refused", async () => {
    const { admin, group } = await cast(t);
    const before = await snapshot();
    const long = "é".repeat(30_000);
    const cases: [Method, string, unknown][] = [
      ["post", "/api/parvis/groups", { slug: "long1", name: long, kind: "topic" }],
      ["post", "/api/parvis/groups", { slug: "long2", name: "x", kind: "topic", description: long }],
      ["post", "/api/parvis/groups", { slug: "long3", name: "x", kind: "vigilance", charter: long + long }],
      ["post", "/api/parvis/groups", { slug: "long4", name: "x".repeat(101), kind: "topic" }],
      ["patch", `/api/parvis/groups/${group.id}`, { area: "x".repeat(201) }],
      ["post", `/api/parvis/groups/${group.id}/bans`, { account_id: admin.account.id, reason: long }],
    ];
    for (const [method, path, body] of cases) {
      const res = await t.http[method](path).set("Authorization", admin.auth).send(body as object);
      expect([413, 422], path).toContain(res.status);
      expect(res.body.error).toBeTruthy();
    }
    const huge = await t.http.post("/api/parvis/groups").set("Authorization", admin.auth).send({ slug: "huge", name: "x", kind: "topic", description: "x".repeat(5_000_000) });
    expect([413, 422]).toContain(huge.status);
    expect(await snapshot()).toEqual(before);
  });

  it("injection strings are stored as text, escaped in HTML, and found literally", async () => {
    const { admin } = await cast(t);
    const nasty = `<script>alert(1)</script>'; drop table groups; --`;
    const res = await t.http.post("/api/parvis/groups").set("Authorization", admin.auth).send({ slug: "safe", name: "Nom", kind: "topic", description: nasty });
    expect(res.status).toBe(200);
    expect(res.body.description).not.toContain("<script>");
    expect(res.body.description_source).toBe(nasty);
    const search = await t.http.get(`/api/parvis/groups?q=${encodeURIComponent("'; drop table groups; --")}`);
    expect(search.status).toBe(200);
    expect(search.body.map((g: { slug: string }) => g.slug)).toEqual(["safe"]);
    const nul = await t.http.post("/api/parvis/groups").set("Authorization", admin.auth).send({ slug: "nul", name: "a\u0000b", kind: "topic" });
    expect(nul.status).toBe(422);
    expect(await countRows(t, "groups")).toBe(2);
  });

  it("bad query parameters are 422s, not 500s", async () => {
    await cast(t);
    for (const path of ["/api/parvis/groups?kind=party", "/api/parvis/groups?q[]=a&q[]=b", `/api/parvis/groups?q=${"x".repeat(300)}`]) {
      const res = await t.http.get(path);
      expect(res.status, path).toBe(422);
      expect(res.body.error).toBeTruthy();
    }
    const res = await t.http.get("/api/parvis/groups?limit=abc&max_id=zzz");
    expect(res.status).toBe(200);
  });

  it("unknown and impossible ids are 404s on every route", async () => {
    const { admin, member, group } = await cast(t);
    const before = await snapshot();
    for (const gid of ["999999999", "99999999999999999999999", "abc", "-1"]) {
      const routes: [Method | "get", string, object?][] = [
        ["get", `/api/parvis/groups/${gid}`],
        ["patch", `/api/parvis/groups/${gid}`, { name: "x" }],
        ["post", `/api/parvis/groups/${gid}/join`, {}],
        ["post", `/api/parvis/groups/${gid}/leave`, {}],
        ["get", `/api/parvis/groups/${gid}/requests`],
        ["post", `/api/parvis/groups/${gid}/requests/${member.account.id}/approve`],
        ["post", `/api/parvis/groups/${gid}/requests/${member.account.id}/reject`],
        ["get", `/api/parvis/groups/${gid}/members`],
        ["patch", `/api/parvis/groups/${gid}/members/${member.account.id}`, { role: "member" }],
        ["delete", `/api/parvis/groups/${gid}/members/${member.account.id}`],
        ["get", `/api/parvis/groups/${gid}/bans`],
        ["post", `/api/parvis/groups/${gid}/bans`, { account_id: member.account.id }],
        ["delete", `/api/parvis/groups/${gid}/bans/${member.account.id}`],
        ["get", `/api/parvis/timelines/group/${gid}`],
        ["post", `/api/parvis/groups/${gid}/statuses/1/pin`],
        ["post", `/api/parvis/groups/${gid}/statuses/1/unpin`],
        ["delete", `/api/parvis/groups/${gid}/statuses/1`],
      ];
      for (const [method, path, body] of routes) {
        const req = t.http[method](path).set("Authorization", admin.auth);
        const res = body ? await req.send(body) : await req;
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.error).toBeTruthy();
      }
    }
    // unknown member, request, ban and status inside a real group
    for (const [method, path, body] of [
      ["patch", `/api/parvis/groups/${group.id}/members/999999`, { role: "member" }],
      ["delete", `/api/parvis/groups/${group.id}/members/999999`],
      ["post", `/api/parvis/groups/${group.id}/requests/999999/approve`],
      ["post", `/api/parvis/groups/${group.id}/requests/999999/reject`],
      ["delete", `/api/parvis/groups/${group.id}/bans/999999`],
      ["post", `/api/parvis/groups/${group.id}/statuses/999999/pin`],
      ["delete", `/api/parvis/groups/${group.id}/statuses/999999`],
    ] as [Method, string, object?][]) {
      const req = t.http[method](path).set("Authorization", admin.auth);
      const res = body ? await req.send(body) : await req;
      expect(res.status, path).toBe(404);
    }
    // a resident's account is not a group
    expect((await t.http.get(`/api/parvis/groups/${member.account.id}`)).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});
