// The seams other concepts plug into the live streams: list membership, filters
// changed, announcements. Lists and announcements are other modules; here the hooks
// are small functions over a list table kept by the test, the way those modules plug in.
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { realtimeModuleWith } from "../../server/realtime";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";
import { follow } from "../../server/domain/follows";
import { settleStreams } from "../helpers/streaming";
import { sleep } from "../helpers/wait";

/** list id → owner and members (account ids) */
const lists = new Map<string, { owner: string; members: string[] }>();

let t: TestInstance;
useTestInstance((x) => (t = x), {
  modules: () => [
    realtimeModuleWith({
      async listsShowing(ctx, statusId) {
        const { loadStatuses } = await import("../../server/domain/statuses");
        const [status] = await loadStatuses(ctx, [statusId]);
        return [...lists].filter(([, l]) => status && l.members.includes(status.accountId)).map(([listId, l]) => ({ listId, ownerId: l.owner }));
      },
      async mayReadList(_ctx, accountId, listId) {
        return lists.get(listId)?.owner === accountId;
      },
      async announcement(_services, id) {
        return id === "404" ? null : { id, content: "<p>Travaux rue de la Mairie</p>", published_at: "2026-12-02T08:00:00.000Z" };
      },
    }),
  ],
});

const opened: WebSocket[] = [];
afterEach(() => {
  for (const ws of opened.splice(0)) ws.terminate();
  lists.clear();
});

async function open(token: string) {
  const ws = new WebSocket(`${t.url.replace("http", "ws")}/api/v1/streaming`, [token]);
  opened.push(ws);
  const messages: { stream?: string[]; event?: string; payload?: string; error?: string }[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, messages };
}


describe("stream hooks", () => {
  it("a list stream carries the posts of the list's members, to its owner only", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    // as in Mastodon, a list holds accounts its owner follows
    await follow(t.services.domain, bob.account, alice.account);
    lists.set("7", { owner: bob.account.id, members: [alice.account.id] });
    const owner = await open(bob.token);
    const other = await open(carol.token);
    owner.ws.send(JSON.stringify({ type: "subscribe", stream: "list", list: "7" }));
    other.ws.send(JSON.stringify({ type: "subscribe", stream: "list", list: "7" }));
    await sleep(200);
    const res = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "for the list" });
    await settleStreams(t);
    await t.http.delete(`/api/v1/statuses/${res.body.id}`).set("Authorization", alice.auth);
    await settleStreams(t);
    expect(owner.messages.map((m) => [m.stream, m.event])).toEqual([
      [["list", "7"], "update"],
      [["list", "7"], "delete"],
    ]);
    expect(other.messages).toEqual([{ error: "No such list", status: 404 }]);
  });

  it("filters.changed reaches the resident's user stream as filters_changed, without payload", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const a = await open(alice.token);
    const b = await open(bob.token);
    for (const c of [a, b]) c.ws.send(JSON.stringify({ type: "subscribe", stream: "user" }));
    await sleep(200);
    t.services.events.emit("filters.changed", { accountId: alice.account.id });
    await settleStreams(t);
    expect(a.messages).toEqual([{ stream: ["user"], event: "filters_changed" }]);
    expect(b.messages).toEqual([]);
  });

  it("announcements reach every resident's user stream; their deletion and reactions too", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const clients = [await open(alice.token), await open(bob.token)];
    for (const c of clients) c.ws.send(JSON.stringify({ type: "subscribe", stream: "user" }));
    await sleep(200);
    t.services.events.emit("announcement.published", { announcementId: "12" });
    t.services.events.emit("announcement.published", { announcementId: "404" });
    await settleStreams(t);
    t.services.events.emit("announcement.reacted", { announcementId: "12", name: "👍", count: 3 });
    t.services.events.emit("announcement.deleted", { announcementId: "12" });
    await settleStreams(t);
    for (const c of clients) {
      expect(c.messages.map((m) => m.event)).toEqual(["announcement", "announcement.reaction", "announcement.delete"]);
      expect(JSON.parse(c.messages[0].payload!)).toMatchObject({ id: "12", content: "<p>Travaux rue de la Mairie</p>" });
      expect(JSON.parse(c.messages[1].payload!)).toEqual({ name: "👍", count: 3, announcement_id: "12" });
      expect(c.messages[2].payload).toBe("12");
    }
  });
});
