// Real time over socket.io, on the instance's HTTP server. A resident's socket
// joins the room of its account (home timeline + notifications); anyone may
// follow the public timelines. Each domain event is pushed only to the sockets
// allowed to see it, with the same rules as the API (server/domain/timelines.ts).
import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { hasScope, isUserAuth, verifyToken, type AuthInfo } from "../auth/tokens";
import { SESSION_COOKIE } from "../auth/middleware";
import { STREAM_SCOPES } from "../auth/scopes";
import { getNotification } from "../domain/notifications";
import { loadStatuses } from "../domain/statuses";
import { hiddenFromResidents, homeAudience } from "../domain/timelines";
import { tagsOf } from "../domain/search";
import type { Module } from "../instance";
import type { Services } from "../services";
import { serializeNotifications } from "../api/serializers/notification";
import { serializeStatus, type StatusEntity } from "../api/serializers/status";
import { createAdapter } from "./adapter";
import { parseCookies } from "./cookies";

export type StreamName = "user" | "public" | "public:local" | "hashtag" | "hashtag:local";

export interface StreamMessage {
  stream: string[];
  event: "update" | "delete" | "status.update" | "notification";
  payload: unknown;
}

/** Why a handshake is refused (the client sees it as connect_error's message). */
export const OUTSIDE_SCOPES = "This action is outside the authorized scopes";

const userRoom = (accountId: string) => `user:${accountId}`;
const notificationRoom = (accountId: string) => `notifications:${accountId}`;
/** every socket of a user, and every socket opened with one token: closed when tokens die */
const userTokensRoom = (userId: string) => `tokens-of:${userId}`;
const tokenRoom = (tokenId: string) => `token:${tokenId}`;
const publicRoom = (local: boolean) => (local ? "public:local" : "public");
const tagRoom = (tag: string, local: boolean) => `hashtag${local ? ":local" : ""}:${tag.toLowerCase()}`;

const subscribeSchema = (value: unknown): { stream: StreamName; tag?: string } | null => {
  if (!value || typeof value !== "object") return null;
  const { stream, tag } = value as { stream?: unknown; tag?: unknown };
  if (stream === "public" || stream === "public:local") return { stream };
  if ((stream === "hashtag" || stream === "hashtag:local") && typeof tag === "string" && /^[\p{L}\p{N}_]{1,100}$/u.test(tag)) {
    return { stream, tag };
  }
  return null;
};

/** Empty viewer flags: a pushed status is rendered once for everyone. */
function neutral(entity: StatusEntity): StatusEntity {
  const flags = { favourited: false, reblogged: false, muted: false, bookmarked: false, pinned: false };
  return { ...entity, ...flags, reblog: entity.reblog ? { ...entity.reblog, ...flags } : null };
}

export function realtimeModule(services: Services): Module {
  let io: Server | undefined;
  const unsubscribe: (() => void)[] = [];
  const ctx = services.domain;

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

  function send(rooms: string[], message: StreamMessage, except: string[] = []) {
    if (!io || rooms.length === 0) return;
    let target = io.to(rooms);
    if (except.length) target = target.except(except);
    target.emit("message", message);
  }

  /** With no adapter, a process without sockets has nobody to tell: skip the work. */
  let shared = false;
  const nobodyListening = () => !shared && (io?.engine.clientsCount ?? 0) === 0;

  async function onStatus(statusId: string, event: "update" | "status.update") {
    if (nobodyListening()) return;
    const [status] = await loadStatuses(ctx, [statusId]);
    if (!status) return;
    const entity = neutral(await serializeStatus(services, status, null));
    const audience = await homeAudience(ctx, status.id);
    send(audience.map(userRoom), { stream: ["user"], event, payload: entity });
    if (status.visibility === "public" && !status.reblogOfId) {
      const hidden = (await hiddenFromResidents(ctx, status.accountId)).map(userRoom);
      send([publicRoom(false)], { stream: ["public"], event, payload: entity }, hidden);
      if (status.local) send([publicRoom(true)], { stream: ["public:local"], event, payload: entity }, hidden);
      for (const tag of await tagsOf(ctx, status.id)) {
        send([tagRoom(tag, false)], { stream: ["hashtag", tag], event, payload: entity }, hidden);
        if (status.local) send([tagRoom(tag, true)], { stream: ["hashtag:local", tag], event, payload: entity }, hidden);
      }
    }
  }

  return {
    async attach(server: HttpServer) {
      io = new Server(server, {
        path: "/socket.io",
        serveClient: false,
        cors: { origin: false },
        maxHttpBufferSize: 16 * 1024,
        connectionStateRecovery: undefined,
      });
      const adapter = await createAdapter(services);
      if (adapter) io.adapter(adapter.factory);
      shared = Boolean(adapter);
      unsubscribe.push(() => adapter?.close());

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
          const rooms = [userRoom(accountId), userTokensRoom(socket.data.userId), tokenRoom(socket.data.tokenId)];
          if (socket.data.notifications) rooms.push(notificationRoom(accountId));
          void socket.join(rooms);
        }
        socket.on("subscribe", (value: unknown) => {
          const sub = subscribeSchema(value);
          if (!sub) return;
          if (sub.stream === "public" || sub.stream === "public:local") void socket.join(publicRoom(sub.stream === "public:local"));
          else void socket.join(tagRoom(sub.tag!, sub.stream === "hashtag:local"));
        });
        socket.on("unsubscribe", (value: unknown) => {
          const sub = subscribeSchema(value);
          if (!sub) return;
          if (sub.stream === "public" || sub.stream === "public:local") void socket.leave(publicRoom(sub.stream === "public:local"));
          else void socket.leave(tagRoom(sub.tag!, sub.stream === "hashtag:local"));
        });
      });

      const { events } = services;
      unsubscribe.push(
        events.on("status.created", (e) => onStatus(e.statusId, "update")),
        events.on("status.updated", (e) => onStatus(e.statusId, "status.update")),
        events.on("status.deleted", (e) => {
          send(e.audienceAccountIds.map(userRoom), { stream: ["user"], event: "delete", payload: e.statusId });
          if (e.visibility === "public") {
            send([publicRoom(false), publicRoom(true)], { stream: ["public"], event: "delete", payload: e.statusId });
            for (const tag of e.tagNames) send([tagRoom(tag, false), tagRoom(tag, true)], { stream: ["hashtag", tag], event: "delete", payload: e.statusId });
          }
        }),
        events.on("notification.created", async (e) => {
          if (nobodyListening()) return;
          const row = await getNotification(ctx, e.accountId, e.notificationId).catch(() => null);
          if (!row) return;
          const [entity] = await serializeNotifications(services, [row], e.accountId);
          if (entity) send([notificationRoom(e.accountId)], { stream: ["user"], event: "notification", payload: entity });
        }),
        // a stream dies with its token; the adapter carries the disconnection to every web process
        events.on("tokens.revoked", (e) => {
          if (!io) return;
          const rooms = e.tokenIds === null ? [userTokensRoom(e.userId)] : e.tokenIds.map(tokenRoom);
          if (rooms.length > 0) io.in(rooms).disconnectSockets(true);
        }),
      );
    },
    async stop() {
      for (const off of unsubscribe) off();
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
