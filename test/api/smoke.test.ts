import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

describe("core flow", () => {
  it("a resident registers, posts, and a follower sees the post in the home timeline", async () => {
    const reg = await t.http.post("/api/v1/accounts").send({ username: "alice", password: "long enough pw", agreement: true, locale: "fr" });
    expect(reg.status).toBe(200);
    const aliceToken = reg.body.access_token;
    const bob = await createResident(t, "bob");
    const me = await t.http.get("/api/v1/accounts/verify_credentials").set("Authorization", `Bearer ${aliceToken}`);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe("alice");
    const f = await t.http.post(`/api/v1/accounts/${me.body.id}/follow`).set("Authorization", bob.auth);
    expect(f.status).toBe(200);
    expect(f.body.following).toBe(true);
    const post = await t.http.post("/api/v1/statuses").set("Authorization", `Bearer ${aliceToken}`).send({ status: "Bonjour @bob #parvis https://example.org", visibility: "private" });
    expect(post.status).toBe(200);
    expect(post.body.content).toContain('class="u-url mention"');
    expect(post.body.tags).toEqual([{ name: "parvis", url: `${t.config.origin}/tags/parvis` }]);
    const home = await t.http.get("/api/v1/timelines/home").set("Authorization", bob.auth);
    expect(home.status).toBe(200);
    expect(home.body.map((s: { id: string }) => s.id)).toContain(post.body.id);
    const pub = await t.http.get(`/api/v1/statuses/${post.body.id}`);
    expect(pub.status).toBe(404);
    const notes = await t.http.get("/api/v1/notifications").set("Authorization", bob.auth);
    expect(notes.body.map((n: { type: string }) => n.type)).toContain("mention");
  });
});
