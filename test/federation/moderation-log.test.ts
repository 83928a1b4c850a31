// The moderation log as neighbouring instances read it: an OrderedCollection
// served through the federation middleware's pass-through, listed in the instance
// actor's streams.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appendLogEntry } from "../../server/domain/moderation";
import { startFederatedInstance, type FederatedInstance } from "./support/instance";

const AP = "application/activity+json";
let t: FederatedInstance;

beforeAll(async () => {
  t = await startFederatedInstance();
}, 180_000);
afterAll(() => t?.stop());
beforeEach(async () => {
  await t.reset();
});

describe("the ActivityPub collection", () => {
  it("is an OrderedCollection with the signed head, paged newest first", async () => {
    for (let i = 0; i < 3; i++) {
      await appendLogEntry(t.services.domain, { action: "domain_blocked", target: { type: "domain", id: `ap${i}.example` }, actorRole: "admin", publicReason: "Spam" });
    }
    const res = await t.http.get("/moderation_log").set("Accept", AP);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/activity\+json/);
    expect(res.body).toMatchObject({ id: `${t.config.origin}/moderation_log`, type: "OrderedCollection", totalItems: 3, first: `${t.config.origin}/moderation_log?page=true` });
    expect(res.body.head.seq).toBe(3);
    const page = await t.http.get("/moderation_log?page=true").set("Accept", AP);
    expect(page.body.type).toBe("OrderedCollectionPage");
    expect(page.body.orderedItems.map((i: { id: string; target: { id: string } }) => [i.id, i.target.id])).toEqual([
      [`${t.config.origin}/moderation_log#entry-3`, "ap2.example"],
      [`${t.config.origin}/moderation_log#entry-2`, "ap1.example"],
      [`${t.config.origin}/moderation_log#entry-1`, "ap0.example"],
    ]);
    expect(page.body.orderedItems[0]).toMatchObject({ type: "ModerationLogEntry", actor_role: "admin", public_reason: "Spam" });
    expect(page.body.next).toBeUndefined();
    expect((await t.http.get("/moderation_log?page=true&max_id=abc").set("Accept", AP)).status).toBe(422);
  });

  it("is listed in the instance actor's streams", async () => {
    const actor = await t.http.get("/actor").set("Accept", AP);
    expect(actor.status).toBe(200);
    const streams = [actor.body.streams].flat();
    expect(streams).toContain(`${t.config.origin}/moderation_log`);
  });
});

describe("the web page at the same address", () => {
  it("a browser asking for HTML is not answered with the collection", async () => {
    const res = await t.http.get("/moderation_log").set("Accept", "text/html");
    expect(res.headers["content-type"] ?? "").not.toMatch(/activity\+json/);
  });
});
