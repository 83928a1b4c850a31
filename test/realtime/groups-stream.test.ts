// The live side of groups: a public group's posts (and their removal) reach
// its stream; a members-only group's reach its members only, on their user
// stream, and never a visitor on the group stream or a follower of the author.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { realtimeModule, type StreamMessage } from "../../server/realtime";
import { createGroup, joinGroup } from "../../server/domain/groups";
import { removeGroupStatus } from "../../server/domain/group-posts";
import { follow } from "../../server/domain/follows";
import { startInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident } from "../helpers/factories";

let t: TestInstance;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startInstance({ modules: () => [realtimeModule] });
});
afterAll(async () => {
  await t.stop();
});
beforeEach(async () => {
  await t.reset();
});
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

async function settle(ms = 300) {
  await t.services.events.settle();
  await new Promise((r) => setTimeout(r, ms));
}

async function setup(visibility: "public" | "members") {
  const admin = await createResident(t, "admin1");
  const member = await createResident(t, "member1");
  const follower = await createResident(t, "follower1");
  const { group } = await createGroup(t.services.domain, admin.account, { slug: "gare", name: "Gare", kind: "neighbourhood", visibility });
  await joinGroup(t.services.domain, member.account, group.accountId);
  await follow(t.services.domain, follower.account, member.account);
  return { admin, member, follower, groupId: group.accountId };
}

describe("the group stream", () => {
  it("a visitor subscribed to a public group's stream receives its posts and their removal", async () => {
    const { admin, member, groupId } = await setup("public");
    const visitor = await open();
    visitor.socket.emit("subscribe", { stream: "group", group: groupId });
    await settle(100);
    const post = await createPost(t, member, "fête de quartier", { groupId });
    await settle();
    await removeGroupStatus(t.services.domain, admin.account.id, groupId, post.id, "doublon");
    await settle();
    const mine = visitor.messages.filter((m) => m.stream[0] === "group");
    expect(mine.map((m) => [m.stream[1], m.event, typeof m.payload === "string" ? m.payload : (m.payload as { id: string }).id])).toEqual([
      [groupId, "update", post.id],
      [groupId, "delete", post.id],
    ]);
  });

  it("a members-only group's post reaches its members on their user stream, and nobody on the group stream nor the author's followers", async () => {
    const { admin, member, follower, groupId } = await setup("members");
    const visitor = await open();
    visitor.socket.emit("subscribe", { stream: "group", group: groupId });
    const stranger = await open(follower.token);
    stranger.socket.emit("subscribe", { stream: "group", group: groupId });
    const adminSocket = await open(admin.token);
    await settle(100);
    const post = await createPost(t, member, "compte rendu", { groupId });
    await settle();
    expect(visitor.messages).toEqual([]);
    expect(stranger.messages).toEqual([]);
    const update = adminSocket.messages.find((m) => m.event === "update");
    expect(update?.stream).toEqual(["user"]);
    expect((update?.payload as { id: string; parvis_group: { id: string } }).parvis_group.id).toBe(groupId);
    expect((update?.payload as { id: string }).id).toBe(post.id);
  });
});
