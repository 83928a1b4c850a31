// The live streams wired to the other concepts, over real WebSocket connections:
// lists (list streams), announcements (user streams), conversations (direct
// stream) and filters (what a viewer's "hide" filters remove is not sent to them).
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { STREAM_SCOPES } from "../../server/auth/scopes";
import { issueToken } from "../../server/auth/tokens";
import { follow } from "../../server/domain/follows";
import { runJobs } from "../../server/jobs";
import { realtimeModule } from "../../server/realtime";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { settleStreams, streamingClients } from "../helpers/streaming";
import { sleep } from "../helpers/wait";

let t: TestInstance;
useTestInstance((x) => (t = x), { modules: () => [realtimeModule] });

const open = streamingClients(() => t);

const byId = (ids: string[]) => [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
const settle = (ms?: number) => settleStreams(t, ms);

async function post(author: Resident, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await t.http.post("/api/v1/statuses").set("Authorization", author.auth).send(body);
  expect(res.status).toBe(200);
  return res.body;
}

async function hideFilter(owner: Resident, keyword: string, context: string[], action = "hide") {
  const res = await t.http
    .post("/api/v2/filters")
    .set("Authorization", owner.auth)
    .send({ title: keyword, context, filter_action: action, keywords_attributes: [{ keyword, whole_word: true }] });
  expect(res.status).toBe(200);
  return res.body as { id: string };
}

describe("list streams", () => {
  it("carry the posts of the list's members to its owner, and refuse someone else's list", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const dave = await createResident(t, "dave");
    await follow(t.services.domain, alice.account, bob.account);
    await follow(t.services.domain, alice.account, dave.account);
    const list = (await t.http.post("/api/v1/lists").set("Authorization", alice.auth).send({ title: "Conseil" }).expect(200)).body as { id: string };
    await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", alice.auth).send({ account_ids: [bob.account.id] }).expect(200);

    const owner = await open(alice);
    const intruder = await open(carol);
    await owner.subscribe({ stream: "list", list: list.id });
    await intruder.subscribe({ stream: "list", list: list.id });
    const member = await post(bob, { status: "ordre du jour" });
    await post(dave, { status: "not in the list" });
    await settle();
    await t.http.delete(`/api/v1/statuses/${member.id}`).set("Authorization", bob.auth).expect(200);
    await settle();

    expect(owner.events().map((m) => [m.stream, m.event])).toEqual([
      [["list", list.id], "update"],
      [["list", list.id], "delete"],
    ]);
    expect(owner.updates()).toEqual([member.id]);
    expect(intruder.messages).toEqual([{ error: "No such list", status: 404 }]);

    // once the list is deleted, its stream cannot be opened again
    await t.http.delete(`/api/v1/lists/${list.id}`).set("Authorization", alice.auth).expect(200);
    const again = await open(alice);
    await again.subscribe({ stream: "list", list: list.id });
    expect(again.messages).toEqual([{ error: "No such list", status: 404 }]);

    // nor can a list id beyond 64 bits, which no list can have
    const beyond = await open(alice);
    await beyond.subscribe({ stream: "list", list: "9999999999999999999" });
    expect(beyond.messages).toEqual([{ error: "No such list", status: 404 }]);
  });
});

describe("announcements on the user stream", () => {
  it("an admin's announcement reaches every resident's user stream; ended, it is withdrawn; reactions are counted", async () => {
    const mayor = await createResident(t, "maire", { role: "admin" });
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const streams = [await open(alice), await open(bob)];
    for (const s of streams) await s.subscribe({ stream: "user" });
    // a notifications-only stream does not carry announcements
    const notificationsOnly = await open(alice);
    await notificationsOnly.subscribe({ stream: "user:notification" });

    const draft = await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "brouillon", published: false });
    expect(draft.status).toBe(200);
    const res = await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "Travaux rue de la Mairie #voirie" });
    expect(res.status).toBe(200);
    const id = res.body.id as string;
    await settle();
    for (const s of streams) {
      const events = s.events();
      expect(events.map((m) => [m.stream, m.event])).toEqual([[["user"], "announcement"]]);
      const entity = JSON.parse(events[0].payload!);
      expect(entity).toMatchObject({ id, published: true, read: false, reactions: [], tags: [{ name: "voirie" }] });
      expect(entity.content).toContain("Travaux rue de la Mairie");
      // what residents see, not the admin's fields
      expect(entity).not.toHaveProperty("text");
    }

    await t.http.put(`/api/v1/announcements/${id}/reactions/${encodeURIComponent("👍")}`).set("Authorization", alice.auth).expect(200);
    await settle();
    const reaction = streams[1].events("announcement.reaction");
    expect(reaction).toHaveLength(1);
    expect(JSON.parse(reaction[0].payload!)).toEqual({ name: "👍", count: 1, announcement_id: id });

    await t.http.post(`/api/parvis/admin/announcements/${id}/end`).set("Authorization", mayor.auth).expect(200);
    await settle();
    for (const s of streams) expect(s.events("announcement.delete")).toEqual([{ stream: ["user"], event: "announcement.delete", payload: id }]);
    expect(notificationsOnly.events()).toEqual([]);
    // the draft was never sent
    expect(streams[0].events("announcement")).toHaveLength(1);
  });

  it("a scheduled announcement is streamed when its time comes (the jobs), once; what was sent at once is not sent again", async () => {
    const mayor = await createResident(t, "maire", { role: "admin" });
    const alice = await createResident(t, "alice");
    const stream = await open(alice);
    await stream.subscribe({ stream: "user" });
    const before = new Date();
    const at = new Date(Date.now() + 1500);
    const res = await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "Marché de Noël", scheduled_at: at.toISOString() });
    expect(res.status).toBe(200);
    const ends = new Date(Date.now() + 1500);
    const now = (await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "Aujourd'hui", ends_at: ends.toISOString() })).body.id as string;
    await settle();
    expect(stream.events().map((m) => JSON.parse(m.payload!).id)).toEqual([now]);
    await runJobs(t.services, new Date(), before);
    await settle();
    expect(stream.events()).toHaveLength(1);

    await sleep(Math.max(0, at.getTime() + 200 - Date.now()));
    const tick = new Date();
    await runJobs(t.services, tick, before);
    await runJobs(t.services, new Date(tick.getTime() + 10_000), tick);
    await settle();
    const events = stream.events();
    // the two of one run may come in either order
    expect(events.map((m) => `${m.event} ${m.event === "announcement" ? JSON.parse(m.payload!).id : m.payload}`).sort()).toEqual(
      [`announcement ${now}`, `announcement ${res.body.id}`, `announcement.delete ${now}`].sort(),
    );
    const scheduled = events.find((m) => m.event === "announcement" && JSON.parse(m.payload!).id === res.body.id)!;
    expect(JSON.parse(scheduled.payload!)).toMatchObject({ id: res.body.id, published: true });
  });

  it("deleting a shown announcement withdraws it; deleting a draft sends nothing", async () => {
    const mayor = await createResident(t, "maire", { role: "admin" });
    const alice = await createResident(t, "alice");
    const stream = await open(alice);
    await stream.subscribe({ stream: "user" });
    const shown = (await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "visible" })).body.id as string;
    const draft = (await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "draft", published: false })).body.id as string;
    await settle();
    await t.http.delete(`/api/parvis/admin/announcements/${draft}`).set("Authorization", mayor.auth).expect(200);
    await t.http.delete(`/api/parvis/admin/announcements/${shown}`).set("Authorization", mayor.auth).expect(200);
    await settle();
    expect(stream.events().map((m) => [m.event, m.event === "announcement" ? JSON.parse(m.payload!).id : m.payload])).toEqual([
      ["announcement", shown],
      ["announcement.delete", shown],
    ]);
  });
});

describe("direct stream", () => {
  it("a direct message gives each participant a conversation event with their Conversation entity", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const streams = { alice: await open(alice), bob: await open(bob), carol: await open(carol) };
    for (const s of Object.values(streams)) await s.subscribe({ stream: "direct" });
    const status = await post(alice, { status: "@bob la clé de la salle", visibility: "direct" });
    await settle();

    const [forBob] = streams.bob.events("conversation").map((m) => JSON.parse(m.payload!));
    const listed = (await t.http.get("/api/v1/conversations").set("Authorization", bob.auth).expect(200)).body;
    expect(forBob.id).toBe(listed[0].id);
    expect(forBob).toMatchObject({ unread: true, last_status: { id: status.id, visibility: "direct" } });
    expect(forBob.accounts.map((a: { id: string }) => a.id)).toEqual([alice.account.id]);

    const [forAlice] = streams.alice.events("conversation").map((m) => JSON.parse(m.payload!));
    const alices = (await t.http.get("/api/v1/conversations").set("Authorization", alice.auth).expect(200)).body;
    expect(forAlice).toMatchObject({ id: alices[0].id, unread: false, last_status: { id: status.id } });
    expect(forAlice.accounts.map((a: { id: string }) => a.id)).toEqual([bob.account.id]);

    expect(streams.carol.events()).toEqual([]);

    // a reply stays in the same conversation
    const reply = await post(bob, { status: "@alice merci", visibility: "direct", in_reply_to_id: status.id });
    await settle();
    const next = streams.alice.events("conversation").map((m) => JSON.parse(m.payload!));
    expect(next[1]).toMatchObject({ id: alices[0].id, unread: true, last_status: { id: reply.id } });
  });
});

describe("filters in the streams", () => {
  it("a home hide filter keeps matching posts off the user and list streams, and announces filters_changed", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const list = (await t.http.post("/api/v1/lists").set("Authorization", bob.auth).send({ title: "Voisins" }).expect(200)).body as { id: string };
    await t.http.post(`/api/v1/lists/${list.id}/accounts`).set("Authorization", bob.auth).send({ account_ids: [alice.account.id] }).expect(200);
    const stream = await open(bob);
    await stream.subscribe({ stream: "user" });
    await stream.subscribe({ stream: "list", list: list.id });

    await hideFilter(bob, "travaux", ["home"]);
    await hideFilter(bob, "fanfare", ["home"], "warn");
    await settle();
    expect(stream.events("filters_changed")).toEqual([{ stream: ["user"], event: "filters_changed" }, { stream: ["user"], event: "filters_changed" }]);

    const hidden = await post(alice, { status: "Les travaux reprennent lundi" });
    const warned = await post(alice, { status: "La fanfare joue ce soir" });
    const plain = await post(alice, { status: "Bonne journée" });
    const own = await post(bob, { status: "mes travaux à moi" });
    await settle();
    // posts made one after the other may arrive in any order (apps place them by id)
    const user = byId(stream.events("update").filter((m) => m.stream![0] === "user").map((m) => JSON.parse(m.payload!).id));
    const listed = byId(stream.events("update").filter((m) => m.stream![0] === "list").map((m) => JSON.parse(m.payload!).id));
    // a warn filter does not hide; one's own posts are never filtered (as in the timelines)
    expect(user).toEqual(byId([warned.id, plain.id, own.id]));
    expect(listed).toEqual(byId([warned.id, plain.id]));
    expect(user).not.toContain(hidden.id);

    // the home timeline agrees: the same rule
    const home = (await t.http.get("/api/v1/timelines/home").set("Authorization", bob.auth).expect(200)).body as { id: string }[];
    expect(home.map((s) => s.id)).not.toContain(hidden.id);
    expect(home.map((s) => s.id)).toContain(plain.id);
  });

  it("a public hide filter keeps matching posts off the public and hashtag streams of its owner only", async () => {
    const alice = await createResident(t, "alice");
    const carol = await createResident(t, "carol");
    const dave = await createResident(t, "dave");
    await hideFilter(carol, "travaux", ["public"]);
    // a home-only filter does not touch the public streams
    await hideFilter(dave, "travaux", ["home"]);
    const streams = [await open(carol), await open(dave)];
    for (const s of streams) {
      await s.subscribe({ stream: "public:local" });
      await s.subscribe({ stream: "hashtag", tag: "commune" });
    }
    const hidden = await post(alice, { status: "Les travaux #commune" });
    const plain = await post(alice, { status: "La fête #commune" });
    await settle();
    const [carols, daves] = streams.map((s) => s.events("update").map((m) => `${m.stream!.join(":")} ${JSON.parse(m.payload!).id}`).sort());
    expect(carols).toEqual([`hashtag:commune ${plain.id}`, `public:local ${plain.id}`]);
    expect(daves).toEqual([`hashtag:commune ${hidden.id}`, `hashtag:commune ${plain.id}`, `public:local ${hidden.id}`, `public:local ${plain.id}`].sort());
  });

  it("an edit that makes a post match is not sent; an expired filter hides nothing", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const stream = await open(bob);
    await stream.subscribe({ stream: "user" });
    await hideFilter(bob, "travaux", ["home"]);
    const expired = await t.http
      .post("/api/v2/filters")
      .set("Authorization", bob.auth)
      .send({ title: "old", context: ["home"], filter_action: "hide", expires_in: 1800, keywords_attributes: [{ keyword: "marché" }] });
    expect(expired.status).toBe(200);
    await t.services.db.execute(sql`update filters set expires_at = now() - interval '1 minute' where id = ${expired.body.id}::bigint`);
    const status = await post(alice, { status: "Le marché de samedi" });
    await settle();
    await t.http.put(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth).send({ status: "Le marché est annulé pour travaux" }).expect(200);
    await settle();
    expect(stream.events("update").map((m) => JSON.parse(m.payload!).id)).toEqual([status.id]);
    expect(stream.events("status.update")).toEqual([]);
  });
});

describe("stream scopes from one table", () => {
  it("the WebSocket asks each stream's scope of STREAM_SCOPES (list: read:statuses, public: none)", async () => {
    expect(STREAM_SCOPES.list).toBe("read:statuses");
    expect(STREAM_SCOPES["public:local"]).toBeNull();
    const alice = await createResident(t, "alice");
    const list = (await t.http.post("/api/v1/lists").set("Authorization", alice.auth).send({ title: "Amis" }).expect(200)).body as { id: string };
    const token = async (scopes: string) => (await issueToken(t.services.domain, { userId: alice.user.id, scopes })).accessToken;
    const listsOnly = await open(await token("read:lists"));
    await listsOnly.subscribe({ stream: "list", list: list.id });
    await listsOnly.subscribe({ stream: "public:local" });
    const statusesOnly = await open(await token("read:statuses"));
    await statusesOnly.subscribe({ stream: "list", list: list.id });
    await statusesOnly.subscribe({ stream: "user:notification" });
    expect(listsOnly.messages).toEqual([{ error: "Access token does not have the required scopes", status: 401 }]);
    expect(statusesOnly.messages).toEqual([{ error: "Access token does not have the required scopes", status: 401 }]);
    const post = await t.http.post("/api/v1/statuses").set("Authorization", alice.auth).send({ status: "pour tous" }).expect(200);
    await settle();
    // the public stream needed no scope
    expect(listsOnly.updates()).toEqual([post.body.id]);
  });
});
