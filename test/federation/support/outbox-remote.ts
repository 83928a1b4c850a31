// A fake remote server for outgoing-federation tests (OUTGOING helper's file):
// serves actor documents (each with a personal inbox and the server's shared
// inbox), records every POST it receives and checks its HTTP signature
// against our actor's key. It can be taken down and brought back on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getDocumentLoader, verifyRequest } from "@fedify/fedify";
import type { Account } from "../../../server/domain/accounts";
import type { DomainContext } from "../../../server/domain/context";
import { upsertRemoteAccount } from "../../../server/domain/accounts";

export interface ReceivedPost {
  /** path the POST went to: /inbox (shared) or /users/{name}/inbox */
  path: string;
  activity: Record<string, any>;
  /** the signature verified and its key belongs to the activity's actor (undefined while being checked) */
  verified: boolean | undefined;
  /** why verification failed */
  error?: string;
}

export interface FakeRemote {
  url: string;
  /** host:port, as our accounts table keeps it */
  domain: string;
  port: number;
  posts: ReceivedPost[];
  /** posts of one activity type ("Create/Note": the object's type too) */
  received(type: string): ReceivedPost[];
  actorUri(username: string): string;
  /** inserts the remote account on our side (what a WebFinger lookup would have done) */
  account(ctx: DomainContext, username: string): Promise<Account>;
  /** answer this status to POSTs (default 202) */
  answer(status: number): void;
  /** stops listening (connections refused) */
  down(): Promise<void>;
  /** listens again on the same port */
  up(): Promise<void>;
  close(): Promise<void>;
}

const documentLoader = getDocumentLoader({ allowPrivateAddress: true });

export async function startFakeRemote(options: { sharedInbox?: boolean; verify?: boolean } = {}): Promise<FakeRemote> {
  const shared = options.sharedInbox ?? true;
  const verify = options.verify ?? true;
  const posts: ReceivedPost[] = [];
  let status = 202;
  let port = 0;
  let url = "";
  let server: Server | undefined;
  const pending = new Set<Promise<void>>();

  const actorUri = (username: string) => `${url}/users/${username}`;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", url).pathname;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const actorMatch = path.match(/^\/users\/([a-z0-9_]+)$/);
      if (req.method === "GET" && actorMatch) {
        const id = actorUri(actorMatch[1]);
        res.writeHead(200, { "content-type": "application/activity+json" });
        res.end(
          JSON.stringify({
            "@context": ["https://www.w3.org/ns/activitystreams"],
            id,
            type: "Person",
            preferredUsername: actorMatch[1],
            inbox: `${id}/inbox`,
            ...(shared ? { endpoints: { sharedInbox: `${url}/inbox` } } : {}),
          }),
        );
        return;
      }
      if (req.method === "POST" && (path === "/inbox" || /^\/users\/[a-z0-9_]+\/inbox$/.test(path))) {
        if (status >= 300) {
          res.statusCode = status;
          res.end();
          return;
        }
        const body = Buffer.concat(chunks).toString("utf8");
        const p = record(req, path, body).finally(() => pending.delete(p));
        pending.add(p);
        res.statusCode = status;
        res.end();
        return;
      }
      res.statusCode = 404;
      res.end();
    });
  };

  async function record(req: IncomingMessage, path: string, body: string): Promise<void> {
    const activity = JSON.parse(body) as Record<string, any>;
    const post: ReceivedPost = { path, activity, verified: verify ? undefined : false };
    posts.push(post);
    if (!verify) return;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(", "));
    }
    const request = new Request(`${url}${req.url}`, { method: "POST", headers, body });
    try {
      const key = await verifyRequest(request, { documentLoader, contextLoader: documentLoader });
      post.verified = key !== null && key.ownerId?.href === activity.actor;
      if (!post.verified) post.error = key ? `key owner ${key.ownerId?.href}` : "signature not verified";
    } catch (error) {
      post.verified = false;
      post.error = String(error);
    }
  }

  const listen = async () => {
    const s = createServer(handler);
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    server = s;
    port = (s.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
  };
  const stop = async () => {
    if (!server) return;
    const s = server;
    server = undefined;
    await new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  };
  await listen();

  return {
    get url() {
      return url;
    },
    get domain() {
      return `127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    posts,
    received(type) {
      const [activityType, objectType] = type.split("/");
      return posts.filter(
        (p) => p.activity.type === activityType && (!objectType || (p.activity.object as { type?: string } | undefined)?.type === objectType),
      );
    },
    actorUri,
    account: (ctx, username) =>
      upsertRemoteAccount(ctx, {
        uri: actorUri(username),
        username,
        domain: `127.0.0.1:${port}`,
        inboxUrl: `${actorUri(username)}/inbox`,
        sharedInboxUrl: shared ? `${url}/inbox` : null,
        followersUrl: `${actorUri(username)}/followers`,
      }),
    answer(next) {
      status = next;
    },
    down: stop,
    up: listen,
    async close() {
      await Promise.allSettled([...pending]);
      await stop();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok` holds (or throws with the last value seen). */
export async function waitFor<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last value ${JSON.stringify(value)?.slice(0, 2000)}`);
    await sleep(50);
  }
}

/** Waits until every outgoing message was handled (handled rows leave the queue table; retries come back as new rows). */
export async function drainOutbox(t: { services: { events: { settle(): Promise<void> }; db: import("../../../server/db/open").Db } }): Promise<void> {
  const { ne } = await import("drizzle-orm");
  const { fedifyQueue } = await import("../../../server/db/schema");
  await t.services.events.settle();
  const pending = async () => (await t.services.db.select({ id: fedifyQueue.id }).from(fedifyQueue).where(ne(fedifyQueue.queue, "inbox"))).length;
  await waitFor(pending, (n) => n === 0);
  await sleep(100);
  await waitFor(pending, (n) => n === 0);
}
