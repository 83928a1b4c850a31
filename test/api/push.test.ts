// Web Push: subscriptions (Mastodon's API), and pushes received by a fake push
// service on loopback, decrypted here with the subscription's keys.
import { createECDH, randomBytes, type ECDH } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { deliverPush, pushModule } from "../../server/push";
import { follow } from "../../server/domain/follows";
import { issueToken, verifyToken } from "../../server/auth/tokens";
import { pushSubscriptions } from "../../server/db/schema";
import { sleep } from "../helpers/wait";

const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: ECDH; authSecret: string; dh?: string; salt?: string }): Buffer;
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A push service: records what it receives and answers the status its path asks for (/410/…, default 201). */
class FakePushService {
  received: Received[] = [];
  private server!: Server;
  url = "";
  /** answers for the next requests, in order (then 201) */
  answers: number[] = [];

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = this.answers.shift() ?? 201;
        res.end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitFor(n: number, timeoutMs = 10_000): Promise<Received[]> {
    const end = Date.now() + timeoutMs;
    while (this.received.length < n && Date.now() < end) await sleep(50);
    return this.received;
  }

  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const pushService = new FakePushService();
beforeAll(() => pushService.start());
afterAll(() => pushService.stop());

let t: TestInstance;
useTestInstance((instance) => (t = instance), { modules: () => [pushModule({ retryDelaysMs: [50, 50] })] });

function deviceKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { ecdh, p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
}

async function subscribeAs(
  who: Resident,
  data: Record<string, unknown> = { alerts: { mention: true, follow: true, favourite: true } },
  path = "/push/device",
  standard = true,
) {
  const keys = deviceKeys();
  const res = await t.http
    .post("/api/v1/push/subscription")
    .set("Authorization", who.auth)
    .send({ subscription: { endpoint: `${pushService.url}${path}`, keys: { p256dh: keys.p256dh, auth: keys.auth }, standard }, data });
  return { res, keys };
}

function decrypt(received: Received, keys: ReturnType<typeof deviceKeys>) {
  return JSON.parse(ece.decrypt(received.body, { version: "aes128gcm", privateKey: keys.ecdh, authSecret: keys.auth }).toString("utf8"));
}

async function mention(from: Resident, to: Resident) {
  const res = await t.http.post("/api/v1/statuses").set("Authorization", from.auth).send({ status: `@${to.account.username} Réunion de quartier à 18 h` });
  expect(res.status).toBe(200);
  return res.body;
}

describe("subscribing", () => {
  it("answers Mastodon's WebPushSubscription with the server key", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const { res } = await subscribeAs(alice, { alerts: { mention: true, poll: "true" }, policy: "followed" });
    expect(res.status).toBe(200);
    const instance = await t.http.get("/api/v2/instance");
    expect(res.body).toEqual({
      id: expect.any(String),
      endpoint: `${pushService.url}/push/device`,
      standard: true,
      alerts: {
        mention: true,
        status: false,
        reblog: false,
        follow: false,
        follow_request: false,
        favourite: false,
        poll: true,
        update: false,
        "admin.sign_up": false,
        "admin.report": false,
      },
      server_key: instance.body.configuration.vapid.public_key,
      policy: "followed",
    });
  });

  it("the VAPID key pair is generated once into the data dir and kept", async () => {
    const file = join(t.config.dataDir, "vapid.json");
    expect(existsSync(file)).toBe(true);
    const keys = JSON.parse(readFileSync(file, "utf8"));
    const instance = await t.http.get("/api/v2/instance");
    expect(instance.body.configuration.vapid.public_key).toBe(keys.publicKey);
    expect(Buffer.from(keys.publicKey, "base64url")).toHaveLength(65);
  });

  it("a second subscription with the same token replaces the first", async () => {
    const alice = await createResident(t, "alice");
    await subscribeAs(alice);
    await subscribeAs(alice, {}, "/push/other");
    expect(await countRows(t, "push_subscriptions")).toBe(1);
    const res = await t.http.get("/api/v1/push/subscription").set("Authorization", alice.auth);
    expect(res.body.endpoint).toBe(`${pushService.url}/push/other`);
  });

  it("PUT changes alerts and policy; DELETE removes it; GET is then 404", async () => {
    const alice = await createResident(t, "alice");
    await subscribeAs(alice);
    const put = await t.http.put("/api/v1/push/subscription").set("Authorization", alice.auth).send({ data: { alerts: { follow: false, reblog: true }, policy: "none" } });
    expect(put.body).toMatchObject({ policy: "none", alerts: { mention: true, follow: false, reblog: true } });
    expect((await t.http.delete("/api/v1/push/subscription").set("Authorization", alice.auth)).status).toBe(200);
    expect((await t.http.get("/api/v1/push/subscription").set("Authorization", alice.auth)).status).toBe(404);
    expect(await countRows(t, "push_subscriptions")).toBe(0);
  });

  it("another token of the same resident does not see or change the subscription", async () => {
    const alice = await createResident(t, "alice");
    await subscribeAs(alice);
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id });
    expect((await t.http.get("/api/v1/push/subscription").set("Authorization", `Bearer ${accessToken}`)).status).toBe(404);
    expect((await t.http.put("/api/v1/push/subscription").set("Authorization", `Bearer ${accessToken}`).send({ policy: "none" })).status).toBe(404);
  });

  it("a token without the push scope is refused with 403", async () => {
    const alice = await createResident(t, "alice");
    const { accessToken } = await issueToken(t.services.domain, { userId: alice.user.id, scopes: "read write" });
    const keys = deviceKeys();
    const res = await t.http
      .post("/api/v1/push/subscription")
      .set("Authorization", `Bearer ${accessToken}`)
      .send({ subscription: { endpoint: `${pushService.url}/x`, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
    expect(res.status).toBe(403);
    expect(await countRows(t, "push_subscriptions")).toBe(0);
  });

  it.each([
    ["no subscription", {}],
    ["an endpoint that is not a URL", { subscription: { endpoint: "nope", keys: { p256dh: deviceKeys().p256dh, auth: "AAAAAAAAAAAAAAAAAAAAAA" } } }],
    ["a javascript: endpoint", { subscription: { endpoint: "javascript:alert(1)", keys: { p256dh: deviceKeys().p256dh, auth: "AAAAAAAAAAAAAAAAAAAAAA" } } }],
    ["a p256dh key of the wrong size", { subscription: { endpoint: "https://push.example/x", keys: { p256dh: "AAAA", auth: "AAAAAAAAAAAAAAAAAAAAAA" } } }],
    ["an auth secret that is not base64url", { subscription: { endpoint: "https://push.example/x", keys: { p256dh: deviceKeys().p256dh, auth: "<script>" } } }],
    ["an unknown policy", { subscription: { endpoint: "https://push.example/x", keys: { p256dh: deviceKeys().p256dh, auth: "AAAAAAAAAAAAAAAAAAAAAA" } }, data: { policy: "friends" } }],
    ["an alert that is not a boolean", { subscription: { endpoint: "https://push.example/x", keys: { p256dh: deviceKeys().p256dh, auth: "AAAAAAAAAAAAAAAAAAAAAA" } }, data: { alerts: { mention: "yes please" } } }],
  ])("%s is refused with 422 and nothing is stored", async (_label, body) => {
    const alice = await createResident(t, "alice");
    const res = await t.http.post("/api/v1/push/subscription").set("Authorization", alice.auth).send(body);
    expect(res.status).toBe(422);
    expect(await countRows(t, "push_subscriptions")).toBe(0);
  });
});

describe("pushing", () => {
  it("an app that does not ask for the standard encoding gets the legacy aesgcm draft it can read, as from Mastodon", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { res, keys } = await subscribeAs(alice, { alerts: { mention: true } }, "/push/legacy", false);
    expect(res.body.standard).toBe(false);
    expect((await t.services.db.select().from(pushSubscriptions)).map((s) => s.standard)).toEqual([false]);
    await mention(bob, alice);
    const [received] = await pushService.waitFor(1);
    expect(received.headers["content-encoding"]).toBe("aesgcm");
    const dh = /dh=([\w-]+)/.exec(String(received.headers["crypto-key"]))?.[1];
    const salt = /salt=([\w-]+)/.exec(String(received.headers.encryption))?.[1];
    expect(dh && salt).toBeTruthy();
    const payload = JSON.parse(ece.decrypt(received.body, { version: "aesgcm", privateKey: keys.ecdh, authSecret: keys.auth, dh, salt }).toString("utf8"));
    expect(payload).toMatchObject({ notification_type: "mention", preferred_locale: "fr" });
  });

  it("a mention reaches the push service encrypted, with VAPID headers and Mastodon's payload", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { keys } = await subscribeAs(alice);
    await mention(bob, alice);
    const [received] = await pushService.waitFor(1);
    expect(received.path).toBe("/push/device");
    expect(received.headers["content-encoding"]).toBe("aes128gcm");
    expect(received.headers.ttl).toEqual(expect.stringMatching(/^\d+$/));
    const vapid = await t.http.get("/api/v2/instance");
    expect(received.headers.authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.body.configuration.vapid.public_key}$`));
    const payload = decrypt(received, keys);
    const notifications = await t.http.get("/api/v1/notifications").set("Authorization", alice.auth);
    expect(payload).toEqual({
      access_token: expect.any(String),
      preferred_locale: "fr",
      notification_id: notifications.body[0].id,
      notification_type: "mention",
      icon: expect.stringMatching(/^http/),
      title: "bob vous a mentionné·e",
      body: expect.stringContaining("Réunion de quartier à 18 h"),
    });
    // the token in the payload is alice's, for the same grant
    const info = await verifyToken(t.services.domain, payload.access_token);
    expect(info && "account" in info ? info.account.id : null).toBe(alice.account.id);
  });

  it("an alert switched off sends nothing", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await subscribeAs(alice, { alerts: { follow: true } });
    await mention(bob, alice);
    await sleep(500);
    expect(pushService.received).toEqual([]);
  });

  it("policy followed: only from accounts the resident follows", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const carol = await createResident(t, "carol");
    const { keys } = await subscribeAs(alice, { alerts: { mention: true }, policy: "followed" });
    await follow(t.services.domain, alice.account, carol.account);
    await mention(bob, alice);
    await mention(carol, alice);
    const received = await pushService.waitFor(1);
    await sleep(300);
    expect(pushService.received.map((r) => decrypt(r, keys).title)).toEqual(["carol vous a mentionné·e"]);
    expect(received).toHaveLength(1);
  });

  it("policy none sends nothing", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await subscribeAs(alice, { alerts: { mention: true }, policy: "none" });
    await mention(bob, alice);
    await sleep(500);
    expect(pushService.received).toEqual([]);
  });

  it("a push service answering 410 ends the subscription", async () => {
    pushService.received = [];
    pushService.answers = [410];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    await subscribeAs(alice);
    await mention(bob, alice);
    await pushService.waitFor(1);
    for (let i = 0; i < 50 && (await countRows(t, "push_subscriptions")) > 0; i++) await sleep(50);
    expect(await countRows(t, "push_subscriptions")).toBe(0);
  });

  it("a push service answering 503 is tried again, and the subscription stays", async () => {
    pushService.received = [];
    pushService.answers = [503, 503];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { keys } = await subscribeAs(alice);
    await mention(bob, alice);
    const received = await pushService.waitFor(3);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => decrypt(r, keys).notification_id)).size).toBe(1);
    expect(await countRows(t, "push_subscriptions")).toBe(1);
  });

  it("an English-speaking resident gets the English title", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const { sql } = await import("drizzle-orm");
    await t.services.db.execute(sql`update users set locale = 'en' where id = ${alice.user.id}`);
    const { keys } = await subscribeAs(alice);
    await mention(bob, alice);
    const [received] = await pushService.waitFor(1);
    expect(decrypt(received, keys)).toMatchObject({ preferred_locale: "en", title: "bob mentioned you" });
  });

  it("a join request to a group reaches a moderator subscribed to follow requests, the group named in the body", async () => {
    pushService.received = [];
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const made = await t.http.post("/api/parvis/groups").set("Authorization", alice.auth).send({ slug: "gare", name: "Quartier de la Gare", kind: "neighbourhood", membership: "approval" });
    const { keys } = await subscribeAs(alice, { alerts: { follow_request: true } });
    await t.http.post(`/api/parvis/groups/${made.body.id}/join`).set("Authorization", bob.auth).send({});
    const [received] = await pushService.waitFor(1);
    expect(decrypt(received, keys)).toMatchObject({
      notification_type: "parvis.group_request",
      title: "bob demande à rejoindre un groupe que vous modérez",
      body: "Quartier de la Gare",
    });
  });
});

describe("where pushes may go", () => {
  it("never to a private address when private addresses are not allowed (an IP literal or a name)", async () => {
    const alice = await createResident(t, "alice");
    const { res } = await subscribeAs(alice);
    const services = { ...t.services, config: { ...t.config, allowPrivateAddress: false } };
    const { eq } = await import("drizzle-orm");
    const [row] = await t.services.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, res.body.id));
    pushService.received = [];
    const port = new URL(pushService.url).port;
    const payload = { access_token: "x", preferred_locale: "fr", notification_id: "1", notification_type: "mention", icon: "", title: "t", body: "b" };
    for (const endpoint of [`https://127.0.0.1:${port}/push/device`, `http://localhost:${port}/push/device`, `https://[::1]:${port}/x`]) {
      await expect(deliverPush(services, { ...row, endpoint }, payload, 2_000)).rejects.toThrow(/private/i);
    }
    expect(pushService.received).toEqual([]);
  });
});
