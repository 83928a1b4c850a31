// A fake remote fediverse server on a loopback port: it serves actor
// documents (each actor with its own RSA key), objects and JSON-LD contexts,
// and POSTs activities to inboxes signed the way Mastodon or Lemmy would.
// Fixtures from test/fixtures/interop are rewritten to its origin.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { exportSpki, signRequest } from "@fedify/fedify";
import { sql } from "drizzle-orm";
import type { Account } from "../../../server/domain/accounts";
import { authorizeFollowRequest, follow } from "../../../server/domain/follows";
import { findAccountByUri } from "../../../server/domain/accounts";
import { rowsOf } from "../../../server/db/rows";
import type { TestInstance } from "../../helpers/instance";
import type { Resident } from "../../helpers/factories";

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

export interface FakeRemote {
  origin: string;
  /** host:port, as Parvis stores it in accounts.domain */
  host: string;
  actors: Map<string, FakeActor>;
  /** GET requests received, by path */
  fetched: string[];
  /** bodies POSTed to a path served with serve() (deliveries to it), parsed */
  posted: { path: string; body: Json }[];
  addActor(path: string, options?: { type?: string; username?: string; extra?: Json }): Promise<FakeActor>;
  /** serves `body` at `path` (an object, a context…) */
  serve(path: string, body: unknown, contentType?: string): void;
  unserve(path: string): void;
  post(inboxUrl: string, activity: Json, options?: PostOptions): Promise<Response>;
  close(): Promise<void>;
}

const AS = "https://www.w3.org/ns/activitystreams";
const SECURITY = "https://w3id.org/security/v1";

export async function startFakeRemote(): Promise<FakeRemote> {
  const routes = new Map<string, { body: string; type: string }>();
  const actors = new Map<string, FakeActor>();
  const fetched: string[] = [];
  const posted: { path: string; body: Json }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    fetched.push(path);
    if (req.method === "POST" && routes.has(path)) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        try {
          posted.push({ path, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json });
        } catch {
          // not JSON: not an activity
        }
        res.writeHead(202);
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
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": route.type });
    res.end(route.body);
  });
  // Parvis keeps connections alive: a server closing idle ones first races with
  // their reuse (ECONNRESET). Real servers keep them longer than Node's 5 s.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const remote: FakeRemote = {
    origin,
    host: `127.0.0.1:${port}`,
    actors,
    fetched,
    posted,
    async addActor(path, options = {}) {
      const actor = await makeActor(`${origin}${path}`, options);
      actors.set(actor.id, actor);
      return actor;
    },
    serve(path, body, contentType = "application/activity+json") {
      routes.set(path, { body: typeof body === "string" ? body : JSON.stringify(body), type: contentType });
    },
    unserve(path) {
      routes.delete(path);
    },
    async post(inboxUrl, activity, options = {}) {
      const body = options.rawBody ?? JSON.stringify(activity);
      const request = new Request(inboxUrl, {
        method: "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        body,
      });
      if (options.unsigned) return fetch(request);
      const signer = options.as ?? actors.get(String(activity.actor));
      if (!signer) throw new Error(`no key for ${String(activity.actor)}`);
      const signed = await signRequest(request, signer.privateKey, new URL(options.keyId ?? signer.keyId), {
        spec: options.spec ?? "draft-cavage-http-signatures-12",
      });
      if (!options.tamper) return fetch(signed);
      return fetch(new Request(signed.url, { method: "POST", headers: signed.headers, body: options.tamper(body) }));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return remote;
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

// ---------------------------------------------------------------------------
// Waiting for the inbox, and arranging who follows whom.


export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once every queued inbox activity has been handled (or dropped), and events have settled. */
export async function inboxIdle(t: TestInstance, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await t.services.db.execute(sql`select count(*)::int as n from fedify_queue where queue = 'inbox'`);
    if (Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0) === 0) break;
    if (Date.now() > deadline) throw new Error("inbox queue did not drain");
    await sleep(25);
  }
  await t.services.events.settle();
}

/** Polls until `check` returns a truthy value. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await sleep(25);
  }
}

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
