// The Mastodon streaming API: a WebSocket at /api/v1/streaming (subscribe and
// unsubscribe messages) and its server-sent-events variants
// (/api/v1/streaming/user, /public…). Messages are Mastodon's:
// {"stream":["hashtag","velo"],"event":"update","payload":"{…JSON…}"}.
// Who receives what is decided by the dispatcher (dispatch.ts); this module
// keeps this process's connections and their subscriptions.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { Router, type Request, type Response } from "express";
import { WebSocketServer, type WebSocket } from "ws";
import { hasScope, isUserAuth, verifyToken, type AuthInfo } from "../auth/tokens";
import { isStreamName, STREAM_SCOPES } from "../auth/scopes";
import type { Services } from "../services";
import { isId } from "../ids";
import { isTagName, withoutHash } from "../domain/content";
import type { Batch, Control, Delivery, StreamHooks } from "./dispatch";

export const STREAMING_PATH = "/api/v1/streaming";
const MAX_SUBSCRIPTIONS = 100;
const HEARTBEAT_MS = 30_000;
const SSE_HEARTBEAT_MS = 15_000;

/** Who is on the other end: a resident, or anonymous (public streams only). */
interface Identity {
  accountId: string | null;
  userId: string | null;
  tokenId: string | null;
  scopes: Set<string>;
}

interface Connection {
  identity: Identity;
  subscriptions: Map<string, Subscription>;
  /** `frame` is the whole WebSocket message, encoded once for every subscriber with the same `stream` */
  send(frame: () => string, event: string, payload: string | undefined): void;
  close(code: number, reason: string): void;
}

interface Subscription {
  key: string;
  connection: Connection;
  /** the `stream` field of its messages */
  stream: string[];
  channels: string[];
}

class StreamError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export interface StreamRequest {
  stream: unknown;
  tag?: unknown;
  list?: unknown;
}

export interface MastodonStreaming {
  /** delivers a batch to this process's connections */
  deliver(batch: Batch): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** the SSE routes and /api/v1/streaming/health */
  routes: Router;
  /** open connections in this process */
  size(): number;
  close(): Promise<void>;
}

function tokenFromHeader(header: string | undefined): string | null {
  return typeof header === "string" && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, "").trim() : null;
}

function encode(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  return typeof payload === "string" ? payload : JSON.stringify(payload);
}

export function mastodonStreaming(services: Services, hooks: StreamHooks): MastodonStreaming {
  const ctx = services.domain;
  const channels = new Map<string, Set<Subscription>>();
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024,
    // a token sent as Sec-WebSocket-Protocol is echoed back, as Mastodon does
    handleProtocols: (protocols) => (protocols.size > 0 ? [...protocols][0] : false),
  });

  async function identify(token: string | null): Promise<Identity | null> {
    if (!token) return { accountId: null, userId: null, tokenId: null, scopes: new Set() };
    const info = await verifyToken(ctx, token);
    if (!isUserAuth(info)) return null;
    return identityOf(info);
  }

  function identityOf(info: AuthInfo): Identity {
    return { accountId: info.account.id, userId: info.user.id, tokenId: info.token.id, scopes: info.scopes };
  }

  /** Resolves a subscription request into its channels; throws StreamError when refused. */
  async function resolve(identity: Identity, request: StreamRequest): Promise<{ key: string; stream: string[]; channels: string[] }> {
    const name = typeof request.stream === "string" ? request.stream : "";
    if (!isStreamName(name)) throw new StreamError("Unknown stream type", 400);
    // one table for every stream's scope (server/auth/scopes.ts)
    const needed = STREAM_SCOPES[name];
    const me = identity.accountId;
    if (needed) {
      if (!me) throw new StreamError("Missing access token", 401);
      if (!hasScope(identity.scopes, needed)) throw new StreamError("Access token does not have the required scopes", 401);
    }
    if (name === "hashtag" || name === "hashtag:local") {
      const tag = typeof request.tag === "string" ? withoutHash(request.tag) : "";
      if (!isTagName(tag)) throw new StreamError("No tag for stream provided", 400);
      const channel = name === "hashtag" ? `hashtag:${tag.toLowerCase()}` : `hashtag:local:${tag.toLowerCase()}`;
      return { key: `${name}:${tag.toLowerCase()}`, stream: [name, tag], channels: [channel] };
    }
    if (name === "list") {
      const list = typeof request.list === "string" || typeof request.list === "number" ? String(request.list) : "";
      if (!isId(list) || !hooks.mayReadList || !(await hooks.mayReadList(ctx, me!, list))) throw new StreamError("No such list", 404);
      return { key: `list:${list}`, stream: ["list", list], channels: [`list:${list}`, `lists-of:${me}`] };
    }
    if (name === "user") return { key: name, stream: ["user"], channels: [`user:${me}`, `notification:${me}`, "users"] };
    if (name === "user:notification") return { key: name, stream: ["user:notification"], channels: [`notification:${me}`] };
    if (name === "direct") return { key: name, stream: ["direct"], channels: [`direct:${me}`] };
    return { key: name, stream: [name], channels: [name] };
  }

  function subscribe(connection: Connection, resolved: { key: string; stream: string[]; channels: string[] }) {
    if (connection.subscriptions.has(resolved.key)) return;
    if (connection.subscriptions.size >= MAX_SUBSCRIPTIONS) throw new StreamError("Too many subscriptions", 429);
    const sub: Subscription = { ...resolved, connection };
    connection.subscriptions.set(resolved.key, sub);
    for (const channel of sub.channels) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(sub);
    }
  }

  function unsubscribe(connection: Connection, key: string) {
    const sub = connection.subscriptions.get(key);
    if (!sub) return;
    connection.subscriptions.delete(key);
    for (const channel of sub.channels) {
      const set = channels.get(channel);
      set?.delete(sub);
      if (set?.size === 0) channels.delete(channel);
    }
  }

  function drop(connection: Connection) {
    for (const key of [...connection.subscriptions.keys()]) unsubscribe(connection, key);
    connections.delete(connection);
  }

  function deliverOne(d: Delivery) {
    const subs = channels.get(d.channel);
    if (!subs || subs.size === 0) return;
    const payload = encode(d.payload);
    const except = d.except && d.except.length ? new Set(d.except) : null;
    // one encoding per distinct `stream` (1,000 followers share ["user"])
    const frames = new Map<string, string>();
    for (const sub of subs) {
      const viewer = sub.connection.identity.accountId;
      if (except && viewer && except.has(viewer)) continue;
      const frame = () => {
        const key = sub.stream.join("\u0000");
        let text = frames.get(key);
        if (text === undefined) {
          text = JSON.stringify(payload === undefined ? { stream: sub.stream, event: d.event } : { stream: sub.stream, event: d.event, payload });
          frames.set(key, text);
        }
        return text;
      };
      sub.connection.send(frame, d.event, payload);
    }
  }

  function kill(control: Control) {
    for (const connection of [...connections]) {
      const id = connection.identity;
      if (id.userId !== control.userId) continue;
      if (control.tokenIds && !(id.tokenId && control.tokenIds.includes(id.tokenId))) continue;
      connection.close(1008, "access token revoked");
    }
  }

  // ---- WebSocket ----

  function refuse(socket: Duplex, status: number, message: string) {
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  function openWebSocket(ws: WebSocket, identity: Identity): Connection {
    let alive = true;
    const connection: Connection = {
      identity,
      subscriptions: new Map(),
      send(frame) {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(frame());
      },
      close(code, reason) {
        ws.close(code, reason);
        // a peer that does not answer the close frame is cut off
        setTimeout(() => ws.terminate(), 2000).unref();
        drop(connection);
      },
    };
    connections.add(connection);
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    ws.on("pong", () => (alive = true));
    ws.on("close", () => {
      clearInterval(heartbeat);
      drop(connection);
    });
    ws.on("error", () => ws.terminate());
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      let message: { type?: unknown } & StreamRequest;
      try {
        message = JSON.parse(data.toString("utf8"));
      } catch {
        return sendError("Malformed message", 400);
      }
      if (!message || typeof message !== "object") return sendError("Malformed message", 400);
      if (message.type !== "subscribe" && message.type !== "unsubscribe") return sendError("Unknown message type", 400);
      const type = message.type;
      resolve(identity, message).then(
        (resolved) => {
          if (!connections.has(connection)) return;
          if (type === "subscribe") subscribe(connection, resolved);
          else unsubscribe(connection, resolved.key);
        },
        (err: unknown) => {
          if (err instanceof StreamError) sendError(err.message, err.status);
          else {
            services.logger.error({ err }, "streaming subscription failed");
            sendError("Internal server error", 500);
          }
        },
      );
    });
    function sendError(error: string, status: number) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ error, status }));
    }
    return connection;
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://localhost");
    const protocol = req.headers["sec-websocket-protocol"];
    const fromProtocol = typeof protocol === "string" ? protocol.split(",")[0].trim() : null;
    const token = url.searchParams.get("access_token") || tokenFromHeader(req.headers.authorization) || fromProtocol || null;
    identify(token).then(
      async (identity) => {
        if (!identity) return refuse(socket, 401, "Invalid access token");
        // ?stream=user&tag=…&list=… subscribes at once, as Mastodon allows
        const initial = url.searchParams.get("stream");
        let resolved: Awaited<ReturnType<typeof resolve>> | null = null;
        if (initial) {
          try {
            resolved = await resolve(identity, { stream: initial, tag: url.searchParams.get("tag") ?? undefined, list: url.searchParams.get("list") ?? undefined });
          } catch (err) {
            if (err instanceof StreamError) return refuse(socket, err.status === 401 ? 401 : 400, err.message);
            throw err;
          }
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          const connection = openWebSocket(ws, identity);
          if (resolved) subscribe(connection, resolved);
        });
      },
      (err) => {
        services.logger.error({ err }, "streaming handshake failed");
        socket.destroy();
      },
    );
  }

  // ---- Server-sent events ----

  const routes = Router();
  routes.get(`${STREAMING_PATH}/health`, (_req, res) => {
    res.type("text/plain").send("OK");
  });

  const SSE_STREAMS: Record<string, string> = {
    user: "user",
    "user/notification": "user:notification",
    public: "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    hashtag: "hashtag",
    "hashtag/local": "hashtag:local",
    list: "list",
    direct: "direct",
  };

  async function openEventStream(req: Request, res: Response, name: string) {
    const bearer = tokenFromHeader(req.headers.authorization);
    const query = typeof req.query.access_token === "string" ? req.query.access_token : null;
    const identity = bearer && req.auth ? identityOf(req.auth) : await identify(query);
    if (!identity) {
      res.status(401).json({ error: "Invalid access token" });
      return;
    }
    const media = req.query.only_media === "true" || req.query.only_media === "1";
    const stream = media && name.startsWith("public") ? `${name}:media` : name;
    let resolved;
    try {
      resolved = await resolve(identity, { stream, tag: req.query.tag, list: req.query.list });
    } catch (err) {
      if (err instanceof StreamError) {
        res.status(err.status).json({ error: err.message });
        return;
      }
      throw err;
    }
    res.status(200);
    res.setHeader("Content-Type", "text/event-stream");
    res.setHeader("Cache-Control", "private, no-store");
    res.setHeader("X-Accel-Buffering", "no");
    res.flushHeaders();
    res.write(":)\n");
    const connection: Connection = {
      identity,
      subscriptions: new Map(),
      send(_frame, event, payload) {
        res.write(`event: ${event}\ndata: ${payload ?? ""}\n\n`);
      },
      close() {
        drop(connection);
        res.end();
      },
    };
    connections.add(connection);
    subscribe(connection, resolved);
    const heartbeat = setInterval(() => res.write(":thump\n"), SSE_HEARTBEAT_MS);
    heartbeat.unref();
    req.on("close", () => {
      clearInterval(heartbeat);
      drop(connection);
    });
  }

  for (const [path, name] of Object.entries(SSE_STREAMS)) {
    routes.get(`${STREAMING_PATH}/${path}`, (req, res, next) => {
      openEventStream(req, res, name).catch(next);
    });
  }
  routes.get(STREAMING_PATH, (_req, res) => {
    res.status(400).json({ error: "Use a WebSocket, or one of the server-sent-events paths (/api/v1/streaming/user…)" });
  });

  return {
    deliver(batch) {
      for (const control of batch.controls ?? []) kill(control);
      for (const d of batch.deliveries) deliverOne(d);
    },
    handleUpgrade,
    routes,
    size: () => connections.size,
    async close() {
      for (const connection of [...connections]) connection.close(1001, "server shutting down");
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
