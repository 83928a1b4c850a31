// The fake remote fediverse server of the federation tests, on a loopback port.
// It plays both sides of a conversation with Parvis:
// - the sender: it serves actor documents (each actor with its own RSA key),
//   objects and JSON-LD contexts, and POSTs activities to our inbox signed the
//   way Mastodon or Lemmy would (addActor, serve, post);
// - the recipient (with `deliveries`): it records what we deliver to its
//   shared inbox (/inbox) and personal inboxes (/users/{name}/inbox), checks
//   our HTTP signatures, answers the status a test chooses, and can be taken
//   down and brought back on the same port (posts, received, answer, down, up).
// Fixtures from test/fixtures/interop are rewritten to its origin (loadFixture).
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { exportSpki, getDocumentLoader, signRequest, verifyRequest } from "@fedify/fedify";
import type { Account } from "../../../server/domain/accounts";
import { findAccountByUri, upsertRemoteAccount } from "../../../server/domain/accounts";
import type { DomainContext } from "../../../server/domain/context";
import { authorizeFollowRequest, follow } from "../../../server/domain/follows";
import type { Resident } from "../../helpers/factories";
import type { TestInstance } from "../../helpers/instance";

export type Json = Record<string, unknown>;

export interface FakeActor {
  id: string;
  keyId: string;
  username: string;
  privateKey: CryptoKey;
  /** the document served at `id` (tests may change it) */
  document: Json;
}

export interface PostOptions {
  /** sign as this actor (default: the activity's actor) */
  as?: FakeActor;
  /** claim this key id in the signature */
  keyId?: string;
  spec?: "draft-cavage-http-signatures-12" | "rfc9421";
  unsigned?: boolean;
  /** change the body after signing */
  tamper?: (body: string) => string;
  /** send this raw body instead of the JSON of the activity */
  rawBody?: string;
}

export interface ReceivedPost {
  /** path the POST went to: /inbox (shared) or /users/{name}/inbox */
  path: string;
  activity: Record<string, any>;
  /** the signature verified and its key belongs to the activity's actor (undefined while being checked) */
  verified: boolean | undefined;
  /** why verification failed */
  error?: string;
}

export interface FakeRemoteOptions {
  /**
   * Accept deliveries on /inbox and /users/{name}/inbox, record them in `posts`
   * and answer GET /users/{name} for any name with a keyless actor document
   * (a recipient needs no key). Without it, only actors added with addActor
   * exist and their inboxes answer 404, like a server that is not listening
   * for us.
   */
  deliveries?: boolean;
  /** the recipients' documents name the shared inbox (default true) */
  sharedInbox?: boolean;
  /** verify the HTTP signature of every delivery (default true) */
  verify?: boolean;
}

export interface FakeRemote {
  /** http://127.0.0.1:port */
  origin: string;
  /** host:port, as Parvis stores it in accounts.domain */
  domain: string;
  port: number;

  // ── the sender ──
  actors: Map<string, FakeActor>;
  /** paths of the requests received (GET and POST) */
  fetched: string[];
  addActor(path: string, options?: { type?: string; username?: string; extra?: Json }): Promise<FakeActor>;
  /** serves `body` at `path` (an object, a context…) */
  serve(path: string, body: unknown, contentType?: string): void;
  unserve(path: string): void;
  post(inboxUrl: string, activity: Json, options?: PostOptions): Promise<Response>;

  // ── the recipient (with `deliveries`) ──
  posts: ReceivedPost[];
  /** posts of one activity type ("Create/Note": the object's type too) */
  received(type: string): ReceivedPost[];
  /** the URI of the recipient `username` on this server */
  actorUri(username: string): string;
  /** inserts the remote account on our side (what a WebFinger lookup would have done) */
  account(ctx: DomainContext, username: string): Promise<Account>;
  /** answer this status to deliveries (default 202) */
  answer(status: number): void;
  /** stops listening (connections refused) */
  down(): Promise<void>;
  /** listens again on the same port */
  up(): Promise<void>;

  close(): Promise<void>;
}

const AS = "https://www.w3.org/ns/activitystreams";
const SECURITY = "https://w3id.org/security/v1";
const documentLoader = getDocumentLoader({ allowPrivateAddress: true });

export async function startFakeRemote(options: FakeRemoteOptions = {}): Promise<FakeRemote> {
  const deliveries = options.deliveries ?? false;
  const shared = options.sharedInbox ?? true;
  const verify = options.verify ?? true;
  const routes = new Map<string, { body: string; type: string }>();
  const actors = new Map<string, FakeActor>();
  const fetched: string[] = [];
  const posts: ReceivedPost[] = [];
  const pending = new Set<Promise<void>>();
  let status = 202;
  let port = 0;
  let origin = "";
  let server: Server | undefined;

  const actorUri = (username: string) => `${origin}/users/${username}`;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    fetched.push(path);
    if (deliveries && req.method === "POST" && (path === "/inbox" || /^\/users\/[a-z0-9_]+\/inbox$/.test(path))) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (status >= 300) {
          res.statusCode = status;
          res.end();
          return;
        }
        const p = record(req, path, Buffer.concat(chunks).toString("utf8")).finally(() => pending.delete(p));
        pending.add(p);
        res.statusCode = status;
        res.end();
      });
      return;
    }
    const actor = [...actors.values()].find((a) => new URL(a.id).pathname === path);
    if (actor) {
      res.writeHead(200, { "content-type": "application/activity+json" });
      res.end(JSON.stringify(actor.document));
      return;
    }
    const route = routes.get(path);
    if (route) {
      res.writeHead(200, { "content-type": route.type });
      res.end(route.body);
      return;
    }
    const recipient = path.match(/^\/users\/([a-z0-9_]+)$/);
    if (deliveries && req.method === "GET" && recipient) {
      const id = actorUri(recipient[1]);
      res.writeHead(200, { "content-type": "application/activity+json" });
      res.end(
        JSON.stringify({
          "@context": [AS],
          id,
          type: "Person",
          preferredUsername: recipient[1],
          inbox: `${id}/inbox`,
          ...(shared ? { endpoints: { sharedInbox: `${origin}/inbox` } } : {}),
        }),
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
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
    const request = new Request(`${origin}${req.url}`, { method: "POST", headers, body });
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
    // Parvis keeps connections alive: a server closing idle ones first races with
    // their reuse (ECONNRESET). Real servers keep them longer than Node's 5 s.
    s.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    server = s;
    port = (s.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
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
    get origin() {
      return origin;
    },
    get domain() {
      return `127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    actors,
    fetched,
    async addActor(path, actorOptions = {}) {
      const actor = await makeActor(`${origin}${path}`, actorOptions);
      actors.set(actor.id, actor);
      return actor;
    },
    serve(path, body, contentType = "application/activity+json") {
      routes.set(path, { body: typeof body === "string" ? body : JSON.stringify(body), type: contentType });
    },
    unserve(path) {
      routes.delete(path);
    },
    async post(inboxUrl, activity, postOptions = {}) {
      const body = postOptions.rawBody ?? JSON.stringify(activity);
      const request = new Request(inboxUrl, {
        method: "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        body,
      });
      if (postOptions.unsigned) return fetch(request);
      const signer = postOptions.as ?? actors.get(String(activity.actor));
      if (!signer) throw new Error(`no key for ${String(activity.actor)}`);
      const signed = await signRequest(request, signer.privateKey, new URL(postOptions.keyId ?? signer.keyId), {
        spec: postOptions.spec ?? "draft-cavage-http-signatures-12",
      });
      if (!postOptions.tamper) return fetch(signed);
      return fetch(new Request(signed.url, { method: "POST", headers: signed.headers, body: postOptions.tamper(body) }));
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
        sharedInboxUrl: shared ? `${origin}/inbox` : null,
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

/** An actor with its own key and document, served by nobody (tests seed it where needed). */
export async function makeActor(id: string, options: { type?: string; username?: string; extra?: Json } = {}): Promise<FakeActor> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const url = new URL(id);
  const username = options.username ?? url.pathname.split("/").filter(Boolean).pop()!.replace(/^@/, "");
  return {
    id,
    keyId: `${id}#main-key`,
    username,
    privateKey: pair.privateKey,
    document: {
      "@context": [AS, SECURITY],
      id,
      type: options.type ?? "Person",
      preferredUsername: username,
      name: username,
      inbox: `${id}/inbox`,
      outbox: `${id}/outbox`,
      followers: `${id}/followers`,
      endpoints: { sharedInbox: `${url.origin}/inbox` },
      publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: await exportSpki(pair.publicKey) },
      ...options.extra,
    },
  };
}

const FIXTURES = join(__dirname, "../../fixtures/interop");

/**
 * A fixture with its origins replaced (e.g. "https://mastodon.madrid" → the
 * fake server) and a default ActivityStreams context when it has none (Lemmy's
 * test assets omit it; Lemmy sends one).
 */
export function loadFixture(name: string, replacements: Record<string, string>): Json {
  let text = readFileSync(join(FIXTURES, name), "utf8");
  // longest first, so that "https://a.b/c" is replaced before "https://a.b"
  for (const from of Object.keys(replacements).sort((a, b) => b.length - a.length)) {
    text = text.split(from).join(replacements[from]);
  }
  const json = JSON.parse(text) as Json;
  if (!("@context" in json)) return { "@context": [AS, SECURITY], ...json };
  return json;
}

export function readFixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

// ── who follows whom ────────────────────────────────────────────────────────

/** The remote account for an actor URL, resolved the way search does. */
export async function remoteAccount(t: TestInstance, actorUri: string): Promise<Account> {
  const hit = await t.services.domain.resolveRemoteUrl!(actorUri);
  if (!hit?.accountId) throw new Error(`could not resolve ${actorUri}`);
  return (await findAccountByUri(t.services.domain, actorUri))!;
}

/** `resident` follows the remote actor (the remote server's Accept is simulated). */
export async function followRemote(t: TestInstance, resident: Resident, actorUri: string): Promise<Account> {
  const account = await remoteAccount(t, actorUri);
  await follow(t.services.domain, resident.account, account);
  await authorizeFollowRequest(t.services.domain, account.id, resident.account.id);
  return account;
}
