// Request bodies nested too deep or holding too many values are refused with
// 400 right after parsing, before any router walks them: never a 500 (stack
// overflow), nothing stored.
import { beforeEach, describe, expect, it } from "vitest";
import { countRows } from "../helpers/api";
import { createResident, type Resident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
let alice: Resident;
useTestInstance((instance) => (t = instance));
beforeEach(async () => {
  alice = await createResident(t, "alice");
});

const deepArrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("JSON bodies beyond the limits", () => {
  it("a status whose media_ids are arrays nested 5,000 deep is refused with 400 and not stored", async () => {
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .set("Content-Type", "application/json")
      .send(`{"status":"deep","media_ids":${deepArrays(5_000)}}`);
    expect([res.status, res.body.error, await countRows(t, "statuses")]).toEqual([400, "JSON nested deeper than 32 levels", 0]);
  });

  it("a status with 30,000 values in a list is refused with 400 and not stored", async () => {
    const res = await t.http
      .post("/api/v1/statuses")
      .set("Authorization", alice.auth)
      .send({ status: "many", media_ids: Array.from({ length: 30_000 }, () => 0) });
    expect([res.status, res.body.error, await countRows(t, "statuses")]).toEqual([400, "JSON with more than 20000 values", 0]);
  });

  it("an app registration nested 100,000 deep is refused with 400, not 500", async () => {
    const res = await t.http.post("/api/v1/apps").set("Content-Type", "application/json").send(`{"client_name":${deepArrays(100_000)}}`);
    expect([res.status, await countRows(t, "apps")]).toEqual([400, 0]);
  });

  it("a token request nested too deep gets OAuth's invalid_request", async () => {
    const res = await t.http.post("/oauth/token").set("Content-Type", "application/json").send(`{"grant_type":${deepArrays(40)}}`);
    expect([res.status, res.body.error]).toEqual([400, "invalid_request"]);
  });

  it("a status nested within the limits is still accepted", async () => {
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "shallow", media_ids: [] });
    expect([res.status, await countRows(t, "statuses")]).toEqual([200, 1]);
  });
});
