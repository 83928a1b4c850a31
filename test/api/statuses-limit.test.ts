// The status length limit comes from configuration (PARVIS_MAX_STATUS_CHARS).
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { countRows } from "../helpers/api";

let t: TestInstance;
useTestInstance((instance) => (t = instance), { env: { PARVIS_MAX_STATUS_CHARS: "50" } });

describe("a 50-character limit", () => {
  it("a status of exactly 50 characters is accepted", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "x".repeat(50) });
    expect(res.status).toBe(200);
  });

  it("a status of 51 characters is refused with 422 and nothing is stored", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "x".repeat(51) });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatch(/50/);
    expect(await countRows(t, "statuses")).toBe(0);
  });

  it("the content warning counts toward the limit", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "x".repeat(40), spoiler_text: "y".repeat(11) });
    expect(res.status).toBe(422);
  });

  it("characters are counted as a reader counts them, not in UTF-16 units", async () => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "🏛".repeat(50) });
    expect(res.status).toBe(200);
  });

  it("an edit over the limit is refused with 422", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "court");
    const res = await t.http.put(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth).send({ status: "x".repeat(51) });
    expect(res.status).toBe(422);
  });

  it("the instance advertises the limit to clients", async () => {
    const res = await t.http.get("/api/v2/instance");
    expect(res.body.configuration.statuses.max_characters).toBe(50);
  });
});
