// Notifications: which actions create them, and the /api/v1/notifications endpoints.
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { countRows, idsOf } from "../helpers/api";
import { follow } from "../../server/domain/follows";
import { favourite, reblog, unfavourite } from "../../server/domain/interactions";
import { block } from "../../server/domain/blocks";
import { mute } from "../../server/domain/blocks";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const ctx = () => t.services.domain;
async function notes(r: Resident, query = "") {
  const res = await t.http.get(`/api/v1/notifications${query}`).set("Authorization", r.auth);
  expect(res.status).toBe(200);
  return res.body as { id: string; type: string; account: { id: string }; status?: { id: string } | null }[];
}

describe("notifications created by actions", () => {
  it("a mention notifies the mentioned resident, with the status", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Bonjour @bob");
    const list = await notes(bob);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: "mention", account: { id: alice.account.id }, status: { id: s.id } });
  });

  it("a follow notifies the followed resident", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    const list = await notes(bob);
    expect(list.map((n) => [n.type, n.account.id])).toEqual([["follow", alice.account.id]]);
    expect(list[0].status).toBeUndefined();
  });

  it("a follow request notifies the locked resident", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob", { locked: true });
    await t.http.post(`/api/v1/accounts/${bob.account.id}/follow`).set("Authorization", alice.auth);
    expect((await notes(bob)).map((n) => n.type)).toEqual(["follow_request"]);
  });

  it("a favourite notifies the author", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Texte");
    await t.http.post(`/api/v1/statuses/${s.id}/favourite`).set("Authorization", bob.auth);
    const list = await notes(alice);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: "favourite", account: { id: bob.account.id }, status: { id: s.id } });
  });

  it("a reblog notifies the author", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Texte");
    await t.http.post(`/api/v1/statuses/${s.id}/reblog`).set("Authorization", bob.auth);
    const list = await notes(alice);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: "reblog", account: { id: bob.account.id }, status: { id: s.id } });
  });

  it("undoing a favourite withdraws its notification", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Texte");
    await favourite(ctx(), bob.account, s.id);
    await unfavourite(ctx(), bob.account, s.id);
    expect(await notes(alice)).toEqual([]);
  });

  it("one's own favourite of one's own status notifies nobody", async () => {
    const alice = await createResident(t, "alice");
    const s = await createPost(t, alice, "Texte");
    await favourite(ctx(), alice.account, s.id);
    expect(await countRows(t, "notifications")).toBe(0);
  });

  it("deleting a status removes the notifications about it", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Bonjour @bob");
    await t.http.delete(`/api/v1/statuses/${s.id}`).set("Authorization", alice.auth);
    expect(await notes(bob)).toEqual([]);
  });

  it("no notification comes from an account one blocks", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await block(ctx(), alice.account.id, bob.account.id);
    await createPost(t, bob, "Hé @alice");
    expect(await notes(alice)).toEqual([]);
    expect(await countRows(t, "notifications")).toBe(0);
  });

  it("notifications received before blocking their sender are no longer listed", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await createPost(t, bob, "Hé @alice");
    await block(ctx(), alice.account.id, bob.account.id);
    expect(await notes(alice)).toEqual([]);
  });

  it("no notification comes from an account one mutes", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Texte");
    await mute(ctx(), alice.account.id, bob.account.id);
    await createPost(t, bob, "Hé @alice");
    await favourite(ctx(), bob.account, s.id);
    await reblog(ctx(), bob.account, s.id);
    await follow(ctx(), bob.account, alice.account);
    expect(await notes(alice)).toEqual([]);
  });

  it("a mention notification no longer carries a followers-only status once its author blocks the reader", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(ctx(), bob.account, alice.account);
    const s = await createPost(t, alice, "Entre nous @bob", { visibility: "private" });
    await block(ctx(), alice.account.id, bob.account.id);
    const list = await notes(bob);
    expect(list.filter((n) => n.status?.id === s.id)).toEqual([]);
  });
});

describe("GET /api/v1/notifications", () => {
  async function mixed() {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const s = await createPost(t, alice, "Texte");
    await follow(ctx(), bob.account, alice.account);
    await favourite(ctx(), bob.account, s.id);
    await createPost(t, bob, "Hé @alice");
    return { alice, bob };
  }

  it("notifications are listed newest first", async () => {
    const { alice } = await mixed();
    expect((await notes(alice)).map((n) => n.type)).toEqual(["mention", "favourite", "follow"]);
  });

  it("types[] keeps only the given types", async () => {
    const { alice } = await mixed();
    expect((await notes(alice, "?types[]=follow&types[]=mention")).map((n) => n.type)).toEqual(["mention", "follow"]);
  });

  it("exclude_types[] leaves out the given types", async () => {
    const { alice } = await mixed();
    expect((await notes(alice, "?exclude_types[]=favourite")).map((n) => n.type)).toEqual(["mention", "follow"]);
  });

  it("types[] naming only unknown types gives an empty list", async () => {
    const { alice } = await mixed();
    expect(await notes(alice, "?types[]=nonsense")).toEqual([]);
  });

  it("account_id keeps notifications from that account", async () => {
    const { alice, bob } = await mixed();
    const carol = await createResident(t, "carol");
    await follow(ctx(), carol.account, alice.account);
    const list = await notes(alice, `?account_id=${carol.account.id}`);
    expect(list.map((n) => n.type)).toEqual(["follow"]);
    expect(list.every((n) => n.account.id !== bob.account.id)).toBe(true);
  });

  it("one resident never sees another's notifications", async () => {
    const { bob } = await mixed();
    expect(await notes(bob)).toEqual([]);
  });

  it("the notifications list without a token is refused with 401", async () => {
    expect((await t.http.get("/api/v1/notifications")).status).toBe(401);
  });
});

describe("GET /api/v1/notifications/:id, dismiss, clear", () => {
  async function oneNotification() {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(ctx(), bob.account, alice.account);
    const [n] = await notes(alice);
    return { alice, bob, id: n.id };
  }

  it("a notification can be read by its id", async () => {
    const { alice, bob, id } = await oneNotification();
    const res = await t.http.get(`/api/v1/notifications/${id}`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, type: "follow", account: { id: bob.account.id } });
  });

  it("another resident's notification is 404", async () => {
    const { bob, id } = await oneNotification();
    expect((await t.http.get(`/api/v1/notifications/${id}`).set("Authorization", bob.auth)).status).toBe(404);
  });

  it("an unknown or non-numeric notification id is 404", async () => {
    const { alice } = await oneNotification();
    expect((await t.http.get("/api/v1/notifications/12345").set("Authorization", alice.auth)).status).toBe(404);
    expect((await t.http.get("/api/v1/notifications/abc").set("Authorization", alice.auth)).status).toBe(404);
  });

  it("dismissing a notification removes it", async () => {
    const { alice, id } = await oneNotification();
    const res = await t.http.post(`/api/v1/notifications/${id}/dismiss`).set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(await notes(alice)).toEqual([]);
  });

  it("dismissing another resident's notification is 404 and it remains", async () => {
    const { alice, bob, id } = await oneNotification();
    expect((await t.http.post(`/api/v1/notifications/${id}/dismiss`).set("Authorization", bob.auth)).status).toBe(404);
    expect(idsOf(await notes(alice))).toEqual([id]);
  });

  it("clearing removes all of one's notifications and nobody else's", async () => {
    const { alice, bob } = await oneNotification();
    await follow(ctx(), alice.account, bob.account);
    const res = await t.http.post("/api/v1/notifications/clear").set("Authorization", alice.auth);
    expect(res.status).toBe(200);
    expect(await notes(alice)).toEqual([]);
    expect((await notes(bob)).map((n) => n.type)).toEqual(["follow"]);
  });

  it("reading, dismissing and clearing without a token are refused with 401", async () => {
    const { alice, id } = await oneNotification();
    expect((await t.http.get(`/api/v1/notifications/${id}`)).status).toBe(401);
    expect((await t.http.post(`/api/v1/notifications/${id}/dismiss`)).status).toBe(401);
    expect((await t.http.post("/api/v1/notifications/clear")).status).toBe(401);
    expect(idsOf(await notes(alice))).toEqual([id]);
  });
});
