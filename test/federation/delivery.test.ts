import { Follow } from "@fedify/vocab";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliveryFailures } from "../../server/db/schema";
import { invalidateDomainPolicyCache } from "../../server/domain/domains";
import { setDomainPolicy } from "../../federation/policy";
import { createResident } from "../helpers/factories";
import { openTestDatabase } from "../helpers/db";
import { startTestServer, type TestServer } from "./support/http-server";
import { startFederatedInstance, type FederatedInstance } from "./support/instance";
import { sleep, waitFor } from "../helpers/wait";

type RemoteInbox = TestServer & { posts: Array<{ signature: string | undefined; body: string }>; answer(statuses: number[]): void };

/** A remote inbox answering with the statuses given in turn (the last one repeats). */
async function remoteInbox(initial: number[]): Promise<RemoteInbox> {
  const posts: Array<{ signature: string | undefined; body: string }> = [];
  let statuses = initial;
  let i = 0;
  const server = await startTestServer({
    "/inbox": (req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const status = statuses[Math.min(i++, statuses.length - 1)];
        if (status < 300) posts.push({ signature: (req.headers.signature ?? req.headers["signature-input"]) as string | undefined, body });
        res.statusCode = status;
        res.end();
      });
    },
  });
  const answer = (next: number[]) => {
    statuses = next;
    i = 0;
  };
  return Object.assign(server, { posts, answer });
}

let counter = 0;
async function sendFollow(t: FederatedInstance, inboxUrl: string): Promise<void> {
  const ctx = t.parvis.context();
  const actor = ctx.getActorUri("alice");
  const remoteActor = new URL(inboxUrl.replace(/\/inbox$/, "/users/bob"));
  await ctx.sendActivity(
    { identifier: "alice" },
    { id: remoteActor, inboxId: new URL(inboxUrl) },
    new Follow({ id: new URL(`${actor.href}#follows/${++counter}`), actor, object: remoteActor }),
  );
}

async function failures(t: FederatedInstance) {
  return t.services.db.select().from(deliveryFailures);
}

describe("outgoing deliveries", () => {
  let t: FederatedInstance;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    t = await startFederatedInstance({
      federation: { retry: { outbox: { initialDelayMs: 100, maxDelayMs: 300, maxAttempts: 3 } } },
    });
  }, 180_000);
  afterAll(() => t?.stop());
  beforeEach(async () => {
    await t.reset();
    invalidateDomainPolicyCache(t.services.domain);
    t.parvis.keys.forget("0");
    await createResident(t, "alice");
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it("delivers a queued activity to a remote inbox, signed", async () => {
    const remote = await remoteInbox([202]);
    servers.push(remote);
    await sendFollow(t, `${remote.url}/inbox`);
    const posts = await waitFor(() => remote.posts, (p) => p.length === 1);
    expect([JSON.parse(posts[0].body).type, Boolean(posts[0].signature)]).toEqual(["Follow", true]);
  });

  it("retries a failing inbox until it accepts", async () => {
    const remote = await remoteInbox([500, 503, 202]);
    servers.push(remote);
    await sendFollow(t, `${remote.url}/inbox`);
    const posts = await waitFor(() => remote.posts, (p) => p.length === 1);
    expect(posts).toHaveLength(1);
  });

  it("records a failing inbox for admins, and forgets it once a delivery succeeds", async () => {
    const remote = await remoteInbox([500]);
    servers.push(remote);
    await sendFollow(t, `${remote.url}/inbox`);
    const recorded = await waitFor(() => failures(t), (rows) => rows.length === 1);
    remote.answer([202]);
    await waitFor(() => remote.posts, (p) => p.length === 1);
    const after = await waitFor(() => failures(t), (rows) => rows.length === 0);
    expect([recorded[0].inboxUrl, recorded[0].abandonedAt, after]).toEqual([`${remote.url}/inbox`, null, []]);
  });

  it("marks an inbox abandoned once the retries are exhausted", async () => {
    const remote = await remoteInbox([500]);
    servers.push(remote);
    await sendFollow(t, `${remote.url}/inbox`);
    const rows = await waitFor(() => failures(t), (r) => r.length === 1 && r[0].abandonedAt !== null);
    // the first attempt, then maxAttempts (3) retries
    expect(rows[0].failures).toBe(4);
  });

  it("abandons at once an inbox that answers 410 Gone", async () => {
    const remote = await remoteInbox([410]);
    servers.push(remote);
    await sendFollow(t, `${remote.url}/inbox`);
    const rows = await waitFor(() => failures(t), (r) => r.length === 1 && r[0].abandonedAt !== null);
    expect(rows[0].failures).toBe(1);
  });

  it("delivers nothing to a blocked domain", async () => {
    const remote = await remoteInbox([202]);
    servers.push(remote);
    await setDomainPolicy(t.services.domain, `127.0.0.1:${remote.port}`, "block");
    await sendFollow(t, `${remote.url}/inbox`);
    await waitFor(() => t.parvis.queues.outbox.getDepth(), (d) => d.queued === 0);
    await sleep(300);
    expect(remote.requests).toHaveLength(0);
  });
});

describe("delivery redirects", () => {
  it("are not followed into a blocked domain", async () => {
    const t = await startFederatedInstance();
    const target = await remoteInbox([202]);
    const bouncer = await startTestServer({
      "/inbox": (_req, res) => {
        res.writeHead(307, { location: `${target.url}/inbox` });
        res.end();
      },
    });
    try {
      await createResident(t, "alice");
      await setDomainPolicy(t.services.domain, `127.0.0.1:${target.port}`, "block");
      await sendFollow(t, `${bouncer.url}/inbox`);
      await waitFor(() => failures(t), (rows) => rows.length === 1);
      expect([bouncer.requests.length > 0, target.requests.length]).toEqual([true, 0]);
    } finally {
      await bouncer.close();
      await target.close();
      await t.stop();
    }
  }, 180_000 /* starts instances */);
});

describe("deliveries to private addresses", () => {
  it("are dropped when private addresses are not allowed", async () => {
    const t = await startFederatedInstance({ env: { PARVIS_ALLOW_PRIVATE_ADDRESS: "false" } });
    const remote = await remoteInbox([202]);
    try {
      await createResident(t, "alice");
      await sendFollow(t, `${remote.url}/inbox`);
      await waitFor(() => t.parvis.queues.outbox.getDepth(), (d) => d.queued === 0);
      await sleep(300);
      expect(remote.requests).toHaveLength(0);
    } finally {
      await remote.close();
      await t.stop();
    }
  }, 180_000 /* starts instances */);
});

describe("deliveries across a restart", () => {
  it("are made by the next process when the one that queued them stopped first", async () => {
    const database = await openTestDatabase();
    const remote = await remoteInbox([202]);
    try {
      // a web-only process queues the delivery and stops before any worker ran
      const web = await startFederatedInstance({ database, keepDatabase: true, env: { PARVIS_PROCESS_ROLE: "web" } });
      await createResident(web, "alice");
      await sendFollow(web, `${remote.url}/inbox`);
      await web.stop();
      expect(remote.posts).toHaveLength(0);

      const worker = await startFederatedInstance({ database, keepDatabase: true, port: Number(new URL(web.url).port) });
      try {
        const posts = await waitFor(() => remote.posts, (p) => p.length === 1);
        expect(JSON.parse(posts[0].body).type).toBe("Follow");
      } finally {
        await worker.stop();
      }
    } finally {
      await remote.close();
      await database.close();
    }
  }, 180_000 /* starts instances */);
});
