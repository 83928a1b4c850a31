import { afterEach, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { realtimeModule, type StreamMessage } from "../../server/realtime";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";
import { follow } from "../../server/domain/follows";
import { block } from "../../server/domain/blocks";
import { deleteStatus } from "../../server/domain/statuses";
import { settleStreams } from "../helpers/streaming";

let t: TestInstance;
const sockets: Socket[] = [];

useTestInstance((instance) => (t = instance), { modules: () => [realtimeModule] });
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

async function open(token?: string): Promise<{ socket: Socket; messages: StreamMessage[] }> {
  const socket = connect(t.url, { path: "/socket.io", transports: ["websocket"], auth: token ? { token } : {}, forceNew: true });
  sockets.push(socket);
  const messages: StreamMessage[] = [];
  socket.on("message", (m: StreamMessage) => messages.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, messages };
}


describe("real-time delivery", () => {
  it("a follower's socket receives a new post from the followed account", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const { messages } = await open(bob.token);
    const post = await createPost(t, alice, "hello neighbours");
    await settleStreams(t, 300);
    const update = messages.find((m) => m.event === "update");
    expect(update?.stream).toEqual(["user"]);
    expect((update?.payload as { id: string }).id).toBe(post.id);
  });

  it("a followers-only post is not pushed to a stranger or to visitors", async () => {
    const alice = await createResident(t, "alice");
    const carol = await createResident(t, "carol");
    const stranger = await open(carol.token);
    const visitor = await open();
    visitor.socket.emit("subscribe", { stream: "public:local" });
    stranger.socket.emit("subscribe", { stream: "public" });
    await settleStreams(t, 100);
    await createPost(t, alice, "for my followers", { visibility: "private" });
    await settleStreams(t, 300);
    expect(stranger.messages).toEqual([]);
    expect(visitor.messages).toEqual([]);
  });

  it("a visitor subscribed to the local timeline receives public local posts", async () => {
    const alice = await createResident(t, "alice");
    const visitor = await open();
    visitor.socket.emit("subscribe", { stream: "public:local" });
    await settleStreams(t, 100);
    const post = await createPost(t, alice, "public news");
    await settleStreams(t, 300);
    expect(visitor.messages.map((m) => [m.event, (m.payload as { id: string }).id])).toEqual([["update", post.id]]);
  });

  it("a resident blocked by the author does not receive the author's public posts on the public stream", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await block(t.services.domain, alice.account.id, bob.account.id);
    const blocked = await open(bob.token);
    blocked.socket.emit("subscribe", { stream: "public:local" });
    await settleStreams(t, 100);
    await createPost(t, alice, "not for bob");
    await settleStreams(t, 300);
    expect(blocked.messages).toEqual([]);
  });

  it("a mention notification is pushed to the mentioned resident", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { messages } = await open(bob.token);
    await createPost(t, alice, "hi @bob");
    await settleStreams(t, 300);
    const notification = messages.find((m) => m.event === "notification");
    expect((notification?.payload as { type: string }).type).toBe("mention");
  });

  it("a deletion is pushed to the followers who received the post", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const { messages } = await open(bob.token);
    const post = await createPost(t, alice, "soon gone");
    await settleStreams(t, 300);
    await deleteStatus(t.services.domain, alice.account.id, post.id);
    await settleStreams(t, 300);
    expect(messages.find((m) => m.event === "delete")?.payload).toBe(post.id);
  });

  it("a hashtag subscriber receives new posts with the tag and their deletion", async () => {
    const alice = await createResident(t, "alice");
    const visitor = await open();
    visitor.socket.emit("subscribe", { stream: "hashtag", tag: "Marche" });
    await settleStreams(t, 100);
    await createPost(t, alice, "sans mot-clé");
    const post = await createPost(t, alice, "samedi #marche");
    await settleStreams(t, 300);
    await deleteStatus(t.services.domain, alice.account.id, post.id);
    await settleStreams(t, 300);
    expect(visitor.messages.map((m) => [m.event, m.event === "delete" ? m.payload : (m.payload as { id: string }).id])).toEqual([
      ["update", post.id],
      ["delete", post.id],
    ]);
  });

  it("an invalid token connects as a visitor who receives nothing personal", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await follow(t.services.domain, bob.account, alice.account);
    const { messages } = await open("not-a-token");
    await createPost(t, alice, "hello", { visibility: "private" });
    await settleStreams(t, 300);
    expect(messages).toEqual([]);
  });
});
