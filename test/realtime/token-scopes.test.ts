// Streams and tokens: the handshake needs a read scope, notifications need
// read:notifications, and an open stream closes when its token dies.
import { afterEach, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { issueToken } from "../../server/auth/tokens";
import { OUTSIDE_SCOPES, realtimeModule, type StreamMessage } from "../../server/realtime";
import { follow } from "../../server/domain/follows";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createPost, createResident, type Resident } from "../helpers/factories";
import { PASSWORD, passwordGrant } from "../helpers/accounts-suite";
import { settleStreams } from "../helpers/streaming";

let t: TestInstance;
const sockets: Socket[] = [];

useTestInstance((instance) => (t = instance), { modules: () => [realtimeModule] });
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

function attempt(token: string): Promise<{ socket: Socket; messages: StreamMessage[]; closed: Promise<string> }> {
  const socket = connect(t.url, { path: "/socket.io", transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
  sockets.push(socket);
  const messages: StreamMessage[] = [];
  socket.on("message", (m: StreamMessage) => messages.push(m));
  const closed = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve({ socket, messages, closed }));
    socket.once("connect_error", reject);
  });
}


async function tokenWith(who: Resident, scopes: string): Promise<string> {
  return (await issueToken(t.services.domain, { userId: who.user.id, scopes })).accessToken;
}

async function followersOnlySetUp() {
  const alice = await createResident(t, "alice");
  const bob = await createResident(t, "bob");
  await follow(t.services.domain, bob.account, alice.account);
  return { alice, bob };
}

describe("the streaming handshake checks scopes", () => {
  for (const scopes of ["push", "write", "write:statuses"]) {
    it(`a "${scopes}" token is refused, and receives no followers-only post`, async () => {
      const { alice, bob } = await followersOnlySetUp();
      await expect(attempt(await tokenWith(bob, scopes))).rejects.toThrow(OUTSIDE_SCOPES);
      await createPost(t, alice, "for my followers", { visibility: "private" });
      await settleStreams(t, 300);
    });
  }

  it("a read:statuses token receives posts but no notifications", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const stream = await attempt(await tokenWith(bob, "read:statuses"));
    await createPost(t, alice, "for my followers", { visibility: "private" });
    await createPost(t, alice, "hello @bob", { visibility: "private" });
    await settleStreams(t, 300);
    expect(stream.messages.filter((m) => m.event === "update")).toHaveLength(2);
    expect(stream.messages.filter((m) => m.event === "notification")).toEqual([]);
  });

  it("a read token receives the mention's notification", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const stream = await attempt(await tokenWith(bob, "read"));
    await createPost(t, alice, "hello @bob");
    await settleStreams(t, 300);
    expect(stream.messages.filter((m) => m.event === "notification")).toHaveLength(1);
  });
});

describe("an open stream dies with its token", () => {
  async function expectClosedAndDeaf(stream: Awaited<ReturnType<typeof attempt>>, alice: Resident) {
    expect(await Promise.race([stream.closed, new Promise((r) => setTimeout(() => r("still open"), 2000))])).toBe("io server disconnect");
    await createPost(t, alice, "after the token died", { visibility: "private" });
    await settleStreams(t, 300);
    expect(stream.messages).toEqual([]);
  }

  it("after /oauth/revoke", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const token = await tokenWith(bob, "read");
    const stream = await attempt(token);
    expect((await t.http.post("/oauth/revoke").send({ token })).status).toBe(200);
    await expectClosedAndDeaf(stream, alice);
  });

  it("after the session is revoked from the sessions list", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const phone = await passwordGrant(t, "bob");
    const stream = await attempt(phone.body.access_token);
    const list = await t.http.get("/api/parvis/web/sessions").set("Authorization", bob.auth);
    const other = list.body.find((s: { current: boolean }) => !s.current);
    expect((await t.http.delete(`/api/parvis/web/sessions/${other.id}`).set("Authorization", bob.auth)).status).toBe(200);
    await expectClosedAndDeaf(stream, alice);
  });

  it("after a password change, other sessions' streams close and the current one stays", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const phone = await passwordGrant(t, "bob");
    const other = await attempt(phone.body.access_token);
    const current = await attempt(bob.token);
    const res = await t.http.post("/api/parvis/web/password").set("Authorization", bob.auth).send({ current_password: PASSWORD, new_password: "a new long password" });
    expect(res.status).toBe(200);
    await expectClosedAndDeaf(other, alice);
    expect(current.socket.connected).toBe(true);
    expect(current.messages.filter((m) => m.event === "update")).toHaveLength(1);
  });

  it("after the account is deleted", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const phone = await passwordGrant(t, "bob");
    const stream = await attempt(phone.body.access_token);
    expect((await t.http.post("/api/parvis/account/delete").set("Authorization", bob.auth).send({ password: PASSWORD })).status).toBe(200);
    await expectClosedAndDeaf(stream, alice);
  });

  it("a revoked token cannot open a personal stream again", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const token = await tokenWith(bob, "read");
    await t.http.post("/oauth/revoke").send({ token });
    const again = await attempt(token);
    await createPost(t, alice, "for my followers", { visibility: "private" });
    await settleStreams(t, 300);
    expect(again.messages).toEqual([]);
  });

  it("another user's revocation leaves a stream open", async () => {
    const { alice, bob } = await followersOnlySetUp();
    const carol = await createResident(t, "carol");
    const stream = await attempt(bob.token);
    await t.http.post("/oauth/revoke").send({ token: carol.token });
    await createPost(t, alice, "still here", { visibility: "private" });
    await settleStreams(t, 300);
    expect(stream.socket.connected).toBe(true);
    expect(stream.messages.filter((m) => m.event === "update")).toHaveLength(1);
  });
});
