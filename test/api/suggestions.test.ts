// Follow suggestions, familiar followers (and its route before /accounts/:id),
// instance peers and weekly activity.
import { describe, expect, it } from "vitest";
import { follow } from "../../server/domain/follows";
import { setSetting } from "../../server/domain/instance";
import { block } from "../../server/domain/blocks";
import { countRows, idsOf } from "../helpers/api";
import { createPost, createResident } from "../helpers/factories";
import { useTestInstance, type TestInstance } from "../helpers/instance";

let t: TestInstance;
useTestInstance((i) => (t = i));
const ctx = () => t.services.domain;

describe("suggestions", () => {
  it("friends of friends come first, then residents who posted lately; not oneself, followed or blocked accounts", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const dave = await createResident(t, "dave");
    const eve = await createResident(t, "eve");
    await follow(ctx(), alice.account, bob.account);
    await follow(ctx(), bob.account, carol.account);
    await createPost(t, dave, "je poste");
    await createPost(t, eve, "moi aussi");
    await block(ctx(), alice.account.id, eve.account.id);
    const res = await t.http.get("/api/v2/suggestions").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.map((s: { account: { id: string } }) => s.account.id)).toEqual([carol.account.id, dave.account.id]);
    expect(res.body[0]).toMatchObject({ source: "past_interactions", sources: ["friends_of_friends"] });
    expect(res.body[1]).toMatchObject({ source: "global", sources: ["most_interactions"] });
    const v1 = await t.http.get("/api/v1/suggestions").set("Authorization", alice.auth);
    expect(idsOf(v1.body)).toEqual([carol.account.id, dave.account.id]);
  });

  it("a dismissed suggestion is stored and no longer suggested", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "bonjour");
    expect((await t.http.get("/api/v2/suggestions").set("Authorization", alice.auth)).body).toHaveLength(1);
    await t.http.delete(`/api/v1/suggestions/${bob.account.id}`).set("Authorization", alice.auth).expect(200);
    expect(await countRows(t, "suggestion_dismissals")).toBe(1);
    expect((await t.http.get("/api/v2/suggestions").set("Authorization", alice.auth)).body).toEqual([]);
  });

  it("dismissing an unknown account is not found; suggestions need a token", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.delete("/api/v1/suggestions/123456").set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.delete("/api/v1/suggestions/abc").set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.get("/api/v2/suggestions")).status).toBe(401);
    expect(await countRows(t, "suggestion_dismissals")).toBe(0);
  });
});

describe("GET /api/v1/accounts/familiar_followers", () => {
  it("answers, for each id, the accounts one follows that follow it (not routed as an account id)", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const dave = await createResident(t, "dave");
    await follow(ctx(), alice.account, bob.account);
    await follow(ctx(), bob.account, carol.account);
    await follow(ctx(), dave.account, carol.account);
    const res = await t.http.get(`/api/v1/accounts/familiar_followers?id[]=${carol.account.id}&id[]=${dave.account.id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0].id).toBe(carol.account.id);
    expect(idsOf(res.body[0].accounts)).toEqual([bob.account.id]);
    expect(res.body[1]).toEqual({ id: dave.account.id, accounts: [] });
  });

  it("a lone id works; bad ids are refused; a token is needed", async () => {
    const alice = await createResident(t, "alice");
    const one = await t.http.get(`/api/v1/accounts/familiar_followers?id=${alice.account.id}`).set("Authorization", alice.auth);
    expect(one.body).toEqual([{ id: alice.account.id, accounts: [] }]);
    expect((await t.http.get("/api/v1/accounts/familiar_followers?id[]=abc").set("Authorization", alice.auth)).status).toBe(422);
    expect((await t.http.get("/api/v1/accounts/familiar_followers")).status).toBe(401);
    const none = await t.http.get("/api/v1/accounts/familiar_followers").set("Authorization", alice.auth);
    expect(none.body).toEqual([]);
  });
});

describe("instance peers and activity", () => {
  it("peers lists the domains of known remote accounts; activity gives twelve weeks of strings", async () => {
    const alice = await createResident(t, "alice");
    await createPost(t, alice, "un");
    const { accounts } = await import("../../server/db/schema");
    const { newId } = await import("../../server/ids");
    await t.services.db.insert(accounts).values({ id: newId(), username: "zoe", domain: "example.org", uri: "https://example.org/users/zoe" });
    const peers = await t.http.get("/api/v1/instance/peers");
    expect(peers.status).toBe(200);
    expect(peers.body).toEqual(["example.org"]);
    const activity = await t.http.get("/api/v1/instance/activity");
    expect(activity.status).toBe(200);
    expect(activity.body).toHaveLength(12);
    expect(activity.body[0]).toEqual({ week: expect.stringMatching(/^\d+$/), statuses: "1", logins: "0", registrations: "1" });
    expect(Number(activity.body[0].week)).toBeGreaterThan(Number(activity.body[1].week));
  });

  it("an allowlist instance does not publish its peers or activity", async () => {
    await setSetting(ctx(), "federation_mode", "allowlist");
    expect((await t.http.get("/api/v1/instance/peers")).status).toBe(404);
    expect((await t.http.get("/api/v1/instance/activity")).status).toBe(404);
  });
});
