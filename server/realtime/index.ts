// Real time on the instance's HTTP server: socket.io (the web client) and the
// Mastodon streaming API (third-party apps, server/realtime/mastodon-streaming.ts).
// One dispatcher (dispatch.ts) decides who may receive each domain event, with the
// rules of the timelines; its deliveries feed both. Between processes, socket.io's
// adapter (PostgreSQL or Redis) carries the socket.io messages, and the same batch
// to the other processes' Mastodon streams (serverSideEmit).
import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { isId } from "../ids";
import { hasScope, isUserAuth, verifyToken, type AuthInfo } from "../auth/tokens";
import { SESSION_COOKIE } from "../auth/middleware";
import { STREAM_SCOPES } from "../auth/scopes";
import type { Module } from "../instance";
import type { Services } from "../services";
import { createAdapter } from "./adapter";
import { parseCookies } from "./cookies";
import { startDispatcher, type Batch, type Delivery, type StreamHooks } from "./dispatch";
import { streamHooks } from "./hooks";
import { isTagName } from "../domain/content";
import { mastodonStreaming, STREAMING_PATH } from "./mastodon-streaming";

export type StreamName = "user" | "public" | "public:local" | "hashtag" | "hashtag:local" | "group";

export interface StreamMessage {
  stream: string[];
  event: Delivery["event"];
  payload: unknown;
}

/** Why a handshake is refused (the client sees it as connect_error's message). */
export const OUTSIDE_SCOPES = "This action is outside the authorized scopes";

const userRoom = (accountId: string) => `user:${accountId}`;
const notificationRoom = (accountId: string) => `notifications:${accountId}`;
const publicRoom = (local: boolean) => (local ? "public:local" : "public");
const tagRoom = (tag: string, local: boolean) => `hashtag${local ? ":local" : ""}:${tag.toLowerCase()}`;
const BATCH_EVENT = "parvis:stream";

const subscribeSchema = (value: unknown): { stream: StreamName; tag?: string; group?: string } | null => {
  if (!value || typeof value !== "object") return null;
  const { stream, tag, group } = value as { stream?: unknown; tag?: unknown; group?: unknown };
  if (stream === "public" || stream === "public:local") return { stream };
  // a group's room carries only what anyone may read (a public group's posts): no membership check needed
  if (stream === "group" && typeof group === "string" && isId(group)) return { stream, group };
  if ((stream === "hashtag" || stream === "hashtag:local") && typeof tag === "string" && isTagName(tag)) {
    return { stream, tag };
  }
  return null;
};

/**
 * The socket.io room and `stream` field of a delivery, for the web client's
 * streams (home with notifications, public, public:local, hashtags); null for
 * channels the web client does not use.
 */
function socketIoTarget(d: Delivery): { room: string; stream: string[] } | null {
  const c = d.channel;
  if (c.startsWith("user:")) return { room: c, stream: ["user"] };
  if (c.startsWith("notification:")) return { room: notificationRoom(c.slice("notification:".length)), stream: ["user"] };
  if (c === "public" || c === "public:local") return { room: c, stream: [c] };
  if (c.startsWith("hashtag:local:")) return { room: c, stream: ["hashtag:local", c.slice("hashtag:local:".length)] };
  if (c.startsWith("hashtag:")) return { room: c, stream: ["hashtag", c.slice("hashtag:".length)] };
  if (c.startsWith("group:")) return { room: c, stream: ["group", c.slice("group:".length)] };
  return null;
}

export function realtimeModule(services: Services): Module {
  return realtimeModuleWith(streamHooks)(services);
}

export function realtimeModuleWith(hooks: StreamHooks) {
  return (services: Services): Module => createRealtime(services, hooks);
}

function createRealtime(services: Services, hooks: StreamHooks): Module {
  let io: Server | undefined;
  const unsubscribe: (() => void)[] = [];
  const ctx = services.domain;
  const streaming = mastodonStreaming(services, hooks);

  /** null: anonymous; throws for a valid token without the user stream's scope (STREAM_SCOPES, as Mastodon's streaming server). */
  async function authenticateSocket(socket: Socket): Promise<AuthInfo | null> {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const header = socket.handshake.headers.authorization;
    const cookie = parseCookies(socket.handshake.headers.cookie ?? "")[SESSION_COOKIE];
    const token =
      typeof fromAuth === "string" ? fromAuth : typeof header === "string" && /^bearer /i.test(header) ? header.slice(7).trim() : cookie;
    if (!token) return null;
    const info = await verifyToken(ctx, token);
    // an invalid or revoked token connects as a visitor, who receives only public streams
    if (!isUserAuth(info)) return null;
    if (!hasScope(info.scopes, STREAM_SCOPES.user)) throw new Error(OUTSIDE_SCOPES);
    return info;
  }

  /** With no adapter, a process without connections has nobody to tell: skip the work. */
  let shared = false;
  const active = () => shared || (io?.engine.clientsCount ?? 0) > 0 || streaming.size() > 0;

  /** Closes this process's socket.io sockets opened with a revoked token. */
  function killSockets(batch: Batch) {
    if (!io || !batch.controls?.length) return;
    for (const socket of io.of("/").sockets.values()) {
      for (const c of batch.controls) {
        if (socket.data.userId !== c.userId) continue;
        if (c.tokenIds && !c.tokenIds.includes(socket.data.tokenId)) continue;
        socket.disconnect(true);
      }
    }
  }

  function sink(batch: Batch) {
    // this process's Mastodon streams, then the other processes' ones
    streaming.deliver(batch);
    killSockets(batch);
    if (!io) return;
    if (shared) io.serverSideEmit(BATCH_EVENT, batch);
    // socket.io: its adapter carries each emit to the sockets of every process
    for (const d of batch.deliveries) {
      const target = socketIoTarget(d);
      if (!target) continue;
      let to = io.to(target.room);
      if (d.except?.length) to = to.except(d.except.map(userRoom));
      to.emit("message", { stream: target.stream, event: d.event, payload: d.payload } satisfies StreamMessage);
    }
  }

  return {
    routes: streaming.routes,
    async attach(server: HttpServer) {
      io = new Server(server, {
        path: "/socket.io",
        serveClient: false,
        cors: { origin: false },
        maxHttpBufferSize: 16 * 1024,
        connectionStateRecovery: undefined,
        // other upgrades (the Mastodon stream) are ours to answer
        destroyUpgrade: false,
      });
      server.on("upgrade", (req, socket, head) => {
        const path = (req.url ?? "").split("?")[0];
        if (path === STREAMING_PATH || path === `${STREAMING_PATH}/`) streaming.handleUpgrade(req, socket, head);
        else if (!path.startsWith("/socket.io/")) socket.destroy();
      });
      const adapter = await createAdapter(services);
      if (adapter) io.adapter(adapter.factory);
      shared = Boolean(adapter);
      unsubscribe.push(() => adapter?.close());
      // batches from the other processes, for the Mastodon streams and revocations here
      io.on(BATCH_EVENT, (batch: Batch) => {
        streaming.deliver(batch);
        killSockets(batch);
      });

      io.use((socket, next) => {
        authenticateSocket(socket).then(
          (auth) => {
            socket.data.accountId = auth?.account.id ?? null;
            socket.data.userId = auth?.user.id ?? null;
            socket.data.tokenId = auth?.token.id ?? null;
            socket.data.notifications = auth ? hasScope(auth.scopes, STREAM_SCOPES["user:notification"]) : false;
            next();
          },
          (err: unknown) => next(new Error(err instanceof Error ? err.message : "authentication failed")),
        );
      });

      io.on("connection", (socket) => {
        const accountId: string | null = socket.data.accountId;
        if (accountId) {
          const rooms = [userRoom(accountId)];
          if (socket.data.notifications) rooms.push(notificationRoom(accountId));
          void socket.join(rooms);
        }
        socket.on("subscribe", (value: unknown) => {
          const sub = subscribeSchema(value);
          if (!sub) return;
          if (sub.stream === "public" || sub.stream === "public:local") void socket.join(publicRoom(sub.stream === "public:local"));
          else if (sub.stream === "group") void socket.join(`group:${sub.group}`);
          else void socket.join(tagRoom(sub.tag!, sub.stream === "hashtag:local"));
        });
        socket.on("unsubscribe", (value: unknown) => {
          const sub = subscribeSchema(value);
          if (!sub) return;
          if (sub.stream === "public" || sub.stream === "public:local") void socket.leave(publicRoom(sub.stream === "public:local"));
          else if (sub.stream === "group") void socket.leave(`group:${sub.group}`);
          else void socket.leave(tagRoom(sub.tag!, sub.stream === "hashtag:local"));
        });
      });

      const dispatcher = startDispatcher(services, hooks, sink, active);
      unsubscribe.push(() => dispatcher.stop());
    },
    async stop() {
      for (const off of unsubscribe) off();
      await streaming.close();
      if (io) {
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => {
          // the HTTP server is closed by the instance itself
          io!.close(() => resolve());
          setTimeout(resolve, 1000).unref();
        });
      }
    },
  };
}
