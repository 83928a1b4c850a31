// The Mastodon streaming API over a real WebSocket and real server-sent events.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { isNotNull } from "drizzle-orm";
import { accessTokens } from "../../server/db/schema";
import { issueToken } from "../../server/auth/tokens";
import { block } from "../../server/domain/blocks";
import { follow } from "../../server/domain/follows";
import { mute } from "../../server/domain/blocks";
import { realtimeModule } from "../../server/realtime";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { settleStreams, streamingClients } from "../helpers/streaming";
import { sleep } from "../helpers/wait";

let t: TestInstance;
useTestInstance((x) => (t = x), { modules: () => [realtimeModule] });

const open = streamingClients(() => t);
const settle = (ms?: number) => settleStreams(t, ms);

async function post(author: Resident, body: Record<string, unknown>) {
  const res = await t.http.post("/api/v1/statuses").set("Authorization", author.auth).send(body);
  expect(res.status).toBe(200);
  return res.body as { id: string };
}

describe("handshake and authentication", () => {
  it("/api/v1/streaming/health answers OK", async () => {
    const res = await t.http.get("/api/v1/streaming/health");
    expect(res.status).toBe(200);
    expect(res.text).toBe("OK");
  });

  it("a token in the access_token query, the Authorization header or Sec-WebSocket-Protocol opens the user stream", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const byQuery = await open({ query: bob.token });
    const byHeader = await open({ header: bob.token });
    const byProtocol = await open({ protocol: bob.token });
    expect(byProtocol.ws.protocol).toBe(bob.token);
    for (const c of [byQuery, byHeader, byProtocol]) await c.subscribe({ stream: "user" });
    const status = await post(alice, { status: "to every client" });
    await settle();
    for (const c of [byQuery, byHeader, byProtocol]) expect(c.ids()).toEqual([status.id]);
  });

  it("an invalid token is refused with 401 at the handshake", async () => {
    await expect(open({ query: "not-a-token" })).rejects.toThrow("HTTP 401");
    await expect(open({ protocol: "eyJhbGciOiJIUzI1NiJ9.e30.bad" })).rejects.toThrow("HTTP 401");
  });

  it("?stream=user subscribes at the handshake, and needs a token", async () => {
    const alice = await createResident(t, "alice");
    const client = await open({ query: alice.token }, "/api/v1/streaming?stream=user");
    const status = await post(alice, { status: "my own post" });
    await settle();
    expect(client.ids()).toEqual([status.id]);
    await expect(open({}, "/api/v1/streaming?stream=user")).rejects.toThrow("HTTP 401");
  });

  it("an anonymous connection may read public streams but not the user stream", async () => {
    const alice = await createResident(t, "alice");
    const visitor = await open();
    await visitor.subscribe({ stream: "user" });
    await visitor.subscribe({ stream: "public:local" });
    const status = await post(alice, { status: "for everyone" });
    await settle();
    expect(visitor.messages.find((m) => m.error)).toEqual({ error: "Missing access token", status: 401 });
    expect(visitor.ids()).toEqual([status.id]);
  });

  it("a token without read:statuses cannot subscribe to the user stream but can to user:notification", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { accessToken } = await issueToken(t.services.domain, { userId: bob.user.id, scopes: "read:notifications" });
    const client = await open({ query: accessToken });
    await client.subscribe({ stream: "user" });
    await client.subscribe({ stream: "user:notification" });
    await post(alice, { status: "hello @bob" });
    await settle();
    expect(client.messages[0]).toEqual({ error: "Access token does not have the required scopes", status: 401 });
    expect(client.events().map((m) => [m.stream, m.event])).toEqual([[["user:notification"], "notification"]]);
  });

  it("malformed messages, unknown types and streams get an error and leave the connection open", async () => {
    const alice = await createResident(t, "alice");
    const client = await open({ query: alice.token });
    client.send("{not json");
    client.send({ type: "shout" });
    await client.subscribe({ stream: "everything" });
    await client.subscribe({ stream: "hashtag", tag: "'; drop table statuses; --" });
    await client.subscribe({ stream: "list", list: "123" });
    expect(client.messages).toEqual([
      { error: "Malformed message", status: 400 },
      { error: "Unknown message type", status: 400 },
      { error: "Unknown stream type", status: 400 },
      { error: "No tag for stream provided", status: 400 },
      { error: "No such list", status: 404 },
    ]);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("an oversized message closes the connection", async () => {
    const alice = await createResident(t, "alice");
    const client = await open({ query: alice.token });
    client.send({ type: "subscribe", stream: "x".repeat(100_000) });
    expect(await client.closed).toBe(1009);
  });

  it("a WebSocket upgrade on another path is refused", async () => {
    await expect(open({}, "/api/v1/elsewhere")).rejects.toThrow();
  });
});

describe("messages as Mastodon sends them", () => {
  it("new posts, edits and deletions reach a follower's user stream with JSON-encoded payloads", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const client = await open({ query: bob.token });
    await client.subscribe({ stream: "user" });
    const status = await post(alice, { status: "first version" });
    await settle();
    const edit = await t.http.put(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth).send({ status: "second version" });
    expect(edit.status).toBe(200);
    await settle();
    const del = await t.http.delete(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth);
    expect(del.status).toBe(200);
    await settle();
    const [update, statusUpdate, deletion] = client.events();
    expect(update.stream).toEqual(["user"]);
    expect(update.event).toBe("update");
    expect(typeof update.payload).toBe("string");
    expect(JSON.parse(update.payload!)).toMatchObject({ id: status.id, content: expect.stringContaining("first version") });
    expect(statusUpdate.event).toBe("status.update");
    expect(JSON.parse(statusUpdate.payload!)).toMatchObject({ id: status.id, content: expect.stringContaining("second version") });
    expect(deletion).toEqual({ stream: ["user"], event: "delete", payload: status.id });
  });

  it("unsubscribing stops the messages of that stream only", async () => {
    const alice = await createResident(t, "alice");
    const visitor = await open();
    await visitor.subscribe({ stream: "public" });
    await visitor.subscribe({ stream: "hashtag", tag: "Marche" });
    await visitor.subscribe({ stream: "public:local" });
    visitor.send({ type: "unsubscribe", stream: "public" });
    visitor.send({ type: "unsubscribe", stream: "hashtag", tag: "marche" });
    await sleep(150);
    const status = await post(alice, { status: "samedi #marche" });
    await settle();
    expect(visitor.events().map((m) => m.stream)).toEqual([["public:local"]]);
    expect(visitor.ids()).toEqual([status.id]);
  });

  it("hashtag streams carry the tag in `stream` and follow deletions", async () => {
    const alice = await createResident(t, "alice");
    const visitor = await open();
    await visitor.subscribe({ stream: "hashtag", tag: "Marche" });
    await visitor.subscribe({ stream: "hashtag:local", tag: "marche" });
    await post(alice, { status: "sans mot-clé" });
    const status = await post(alice, { status: "samedi #marche" });
    await settle();
    await t.http.delete(`/api/v1/statuses/${status.id}`).set("Authorization", alice.auth);
    await settle();
    expect(visitor.events().map((m) => [m.stream, m.event])).toEqual([
      [["hashtag", "Marche"], "update"],
      [["hashtag:local", "marche"], "update"],
      [["hashtag", "Marche"], "delete"],
      [["hashtag:local", "marche"], "delete"],
    ]);
  });

  it("public:remote and the :media streams leave out a local post without media", async () => {
    const alice = await createResident(t, "alice");
    const visitor = await open();
    for (const stream of ["public:remote", "public:local:media", "public:media"]) await visitor.subscribe({ stream });
    await post(alice, { status: "no picture here" });
    await settle();
    expect(visitor.events()).toEqual([]);
  });
});

describe("visibility, blocks and mutes are the timelines' own", () => {
  it("a followers-only post reaches followers only, never a stranger nor public streams", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await follow(t.services.domain, bob.account, alice.account);
    const follower = await open({ query: bob.token });
    const stranger = await open({ query: carol.token });
    const visitor = await open();
    await follower.subscribe({ stream: "user" });
    await stranger.subscribe({ stream: "user" });
    await stranger.subscribe({ stream: "public" });
    await visitor.subscribe({ stream: "public:local" });
    const status = await post(alice, { status: "for my followers", visibility: "private" });
    await settle();
    expect(follower.ids()).toEqual([status.id]);
    expect(stranger.events()).toEqual([]);
    expect(visitor.events()).toEqual([]);
  });

  it("a resident who blocks or mutes the author, or is blocked, does not get the author's public posts", async () => {
    const alice = await createResident(t, "alice");
    const blocker = await createResident(t, "blocker");
    const muter = await createResident(t, "muter");
    const blocked = await createResident(t, "blocked");
    const other = await createResident(t, "other");
    await block(t.services.domain, blocker.account.id, alice.account.id);
    await mute(t.services.domain, muter.account.id, alice.account.id);
    await block(t.services.domain, alice.account.id, blocked.account.id);
    const clients = await Promise.all([blocker, muter, blocked, other].map((r) => open({ query: r.token })));
    for (const c of clients) {
      await c.subscribe({ stream: "public" });
      await c.subscribe({ stream: "hashtag", tag: "fete" });
    }
    const status = await post(alice, { status: "#fete ce soir" });
    await settle();
    expect(clients.slice(0, 3).map((c) => c.events().length)).toEqual([0, 0, 0]);
    expect(clients[3].ids()).toEqual([status.id, status.id]);
  });

  it("a followed account that the follower muted does not reach their user stream", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    await mute(t.services.domain, bob.account.id, alice.account.id);
    const client = await open({ query: bob.token });
    await client.subscribe({ stream: "user" });
    await post(alice, { status: "muted chatter" });
    await settle();
    expect(client.events()).toEqual([]);
  });

  it("a direct message reaches the mentioned resident's direct stream as a conversation, and nobody else's", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    await follow(t.services.domain, carol.account, alice.account);
    const mentioned = await open({ query: bob.token });
    const follower = await open({ query: carol.token });
    await mentioned.subscribe({ stream: "direct" });
    await follower.subscribe({ stream: "direct" });
    await follower.subscribe({ stream: "user" });
    const status = await post(alice, { status: "@bob just between us", visibility: "direct" });
    await settle();
    const [conversation] = mentioned.events("conversation");
    expect(conversation.stream).toEqual(["direct"]);
    const entity = JSON.parse(conversation.payload!);
    expect(entity.last_status.id).toBe(status.id);
    expect(entity.unread).toBe(true);
    expect(entity.accounts.map((a: { id: string }) => a.id)).toEqual([alice.account.id]);
    expect(follower.events()).toEqual([]);
  });

  it("notifications reach both the user and the user:notification streams, updates only the user stream", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const client = await open({ query: bob.token });
    await client.subscribe({ stream: "user" });
    await client.subscribe({ stream: "user:notification" });
    const status = await post(alice, { status: "hello @bob" });
    await settle();
    const seen = client.events().map((m) => [m.stream![0], m.event]);
    expect(seen).toEqual(expect.arrayContaining([["user", "update"], ["user", "notification"], ["user:notification", "notification"]]));
    expect(seen).toHaveLength(3);
    const notification = JSON.parse(client.events("notification")[0].payload!);
    expect(notification).toMatchObject({ type: "mention", status: { id: status.id }, account: { id: alice.account.id } });
  });
});

describe("a stream dies with its token", () => {
  it("tokens.revoked for one token closes that token's connections only", async () => {
    const bob = await createResident(t, "bob");
    const other = await issueToken(t.services.domain, { userId: bob.user.id });
    const revoked = await open({ query: bob.token });
    const kept = await open({ query: other.accessToken });
    const revoke = await t.http.post("/oauth/revoke").send({ token: bob.token });
    expect(revoke.status).toBe(200);
    // the revocation is stored; the event is what the token module publishes with it
    const [tokenRow] = await t.services.db.select({ id: accessTokens.id }).from(accessTokens).where(isNotNull(accessTokens.revokedAt));
    t.services.events.emit("tokens.revoked", { userId: bob.user.id, tokenIds: [tokenRow.id] });
    expect(await revoked.closed).toBe(1008);
    await sleep(200);
    expect(kept.ws.readyState).toBe(WebSocket.OPEN);
    await expect(open({ query: bob.token })).rejects.toThrow("HTTP 401");
  });

  it("tokens.revoked for every token closes server-sent-event streams too", async () => {
    const bob = await createResident(t, "bob");
    const ended = new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${t.url}/api/v1/streaming/user?access_token=${bob.token}`, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end();
    });
    await sleep(300);
    t.services.events.emit("tokens.revoked", { userId: bob.user.id, tokenIds: null });
    expect(await ended).toContain(":)");
  });
});

describe("server-sent events", () => {
  function openSse(path: string, headers: Record<string, string> = {}) {
    let text = "";
    let status = 0;
    let contentType = "";
    const req = httpRequest(`${t.url}${path}`, { headers }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers["content-type"]);
      res.on("data", (c) => (text += c));
    });
    req.end();
    return { text: () => text, status: () => status, contentType: () => contentType, close: () => req.destroy() };
  }

  it("/api/v1/streaming/public/local sends event and data lines", async () => {
    const alice = await createResident(t, "alice");
    const sse = openSse("/api/v1/streaming/public/local");
    await sleep(300);
    const status = await post(alice, { status: "SSE news" });
    await settle();
    sse.close();
    expect(sse.status()).toBe(200);
    expect(sse.contentType()).toMatch(/^text\/event-stream/);
    const match = /event: update\ndata: (.*)\n\n/.exec(sse.text());
    expect(JSON.parse(match![1]).id).toBe(status.id);
  });

  it("/api/v1/streaming/user with a bearer header gets the home timeline; without a token it is 401", async () => {
    const alice = await createResident(t, "alice");
    const sse = openSse("/api/v1/streaming/user", { Authorization: alice.auth });
    await sleep(300);
    const status = await post(alice, { status: "mine" });
    await settle();
    sse.close();
    expect(sse.text()).toContain(`"id":"${status.id}"`);
    const anonymous = await t.http.get("/api/v1/streaming/user");
    expect(anonymous.status).toBe(401);
    const bad = await t.http.get("/api/v1/streaming/user?access_token=nope");
    expect(bad.status).toBe(401);
  });

  it("/api/v1/streaming/hashtag needs a valid tag and /list an existing list", async () => {
    const alice = await createResident(t, "alice");
    expect((await t.http.get("/api/v1/streaming/hashtag")).status).toBe(400);
    expect((await t.http.get("/api/v1/streaming/hashtag?tag=%3Cscript%3E")).status).toBe(400);
    const list = await t.http.get("/api/v1/streaming/list?list=42").set("Authorization", alice.auth);
    expect(list.status).toBe(404);
    expect(list.body).toEqual({ error: "No such list" });
  });

  it("a plain GET on /api/v1/streaming is a 400, not a hanging request", async () => {
    const res = await t.http.get("/api/v1/streaming");
    expect(res.status).toBe(400);
  });
});
