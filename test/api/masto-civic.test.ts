// masto.js (a third-party Mastodon client library, unmodified) against Parvis:
// polls, the commune's announcements, scheduled statuses and a push subscription.
import { createECDH, randomBytes } from "node:crypto";
import { createRestAPIClient, type mastodon } from "masto";
import { describe, expect, it } from "vitest";
import { useTestInstance, type TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";

let t: TestInstance;
useTestInstance((instance) => (t = instance));

const client = (who: Resident): mastodon.rest.Client => createRestAPIClient({ url: t.url, accessToken: who.token });

describe("masto.js", () => {
  it("posts a poll, votes in it from another account, and reads the results", async () => {
    const alice = await createResident(t, "alice");
    const bob = await createResident(t, "bob");
    const status = await client(alice).v1.statuses.create({
      status: "Quelle couleur pour les bancs du parc ?",
      poll: { options: ["Vert", "Bleu", "Bois"], expiresIn: 3600, multiple: true },
    });
    expect(status.poll?.options.map((o) => o.title)).toEqual(["Vert", "Bleu", "Bois"]);
    const poll = await client(bob).v1.polls.$select(status.poll!.id).votes.create({ choices: [0, 2] });
    expect({ votes: poll.votesCount, voters: poll.votersCount, own: poll.ownVotes, voted: poll.voted }).toEqual({ votes: 2, voters: 1, own: [0, 2], voted: true });
    const fetched = await client(alice).v1.polls.$select(status.poll!.id).fetch();
    expect(fetched.options.map((o) => o.votesCount)).toEqual([1, 0, 1]);
  });

  it("reads the commune's announcements, reacts and dismisses one", async () => {
    const mayor = await createResident(t, "maire", { role: "admin" });
    const alice = await createResident(t, "alice");
    const created = await t.http.post("/api/parvis/admin/announcements").set("Authorization", mayor.auth).send({ text: "Marché de Noël samedi sur la place" });
    const masto = client(alice);
    const [announcement] = await masto.v1.announcements.list();
    expect(announcement).toMatchObject({ id: created.body.id, read: false, published: true });
    expect(announcement.content).toContain("Marché de Noël");
    await masto.v1.announcements.$select(announcement.id).reactions.$select("🎄").update();
    await masto.v1.announcements.$select(announcement.id).dismiss();
    expect(await masto.v1.announcements.list()).toEqual([]);
    const all = await masto.v1.announcements.list({ withDismissed: true } as never);
    expect(all[0]).toMatchObject({ read: true, reactions: [expect.objectContaining({ name: "🎄", count: 1, me: true })] });
  });

  it("schedules a status and lists it", async () => {
    const alice = await createResident(t, "alice");
    const at = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = (await client(alice).v1.statuses.create({ status: "Rappel : collecte des encombrants", scheduledAt: at })) as unknown as mastodon.v1.ScheduledStatus;
    expect(scheduled.scheduledAt).toBe(at);
    const list = await client(alice).v1.scheduledStatuses.list();
    expect(list.map((s) => s.id)).toEqual([scheduled.id]);
  });

  it("subscribes to Web Push and reads the subscription back", async () => {
    const alice = await createResident(t, "alice");
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const masto = client(alice);
    const sub = await masto.v1.push.subscription.create({
      subscription: { endpoint: "https://push.example/send/abc", keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") } },
      data: { alerts: { mention: true, poll: true } },
      policy: "all",
    });
    expect(sub.alerts).toMatchObject({ mention: true, poll: true, follow: false });
    const instance = await masto.v2.instance.fetch();
    expect(sub.serverKey).toBe((instance.configuration as unknown as { vapid: { publicKey: string } }).vapid.publicKey);
    expect((await masto.v1.push.subscription.fetch()).endpoint).toBe("https://push.example/send/abc");
  });
});
