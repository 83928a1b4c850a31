// The one socket.io connection of the page. Screens subscribe to streams;
// this module counts subscribers, tells the server which streams to join,
// re-joins them after a reconnection, and fans messages out.
import { io, type Socket } from "socket.io-client";
import type { Status } from "../api/types";
import { isStreamMessage, streamKey, streamMatches, type StreamMessage, type StreamSpec } from "./types";

type Listener = (message: StreamMessage) => void;

interface Subscription {
  /** null: joins no stream, only hears deletions, edits and local events */
  spec: StreamSpec | null;
  listener: Listener;
  /** deletions and edits are delivered whatever their stream */
  allEdits: boolean;
}

let socket: Socket | null = null;
const subscriptions = new Set<Subscription>();
const joined = new Map<string, { spec: StreamSpec; count: number }>();
const reconnectListeners = new Set<() => void>();
const statusListeners = new Set<(connected: boolean) => void>();
let everConnected = false;

function joinPayload(spec: StreamSpec) {
  if (spec.stream === "group") return { stream: "group", group: spec.group };
  return spec.stream === "hashtag" ? { stream: "hashtag", tag: spec.tag } : { stream: spec.stream };
}

const VIEWER_FLAGS = ["favourited", "reblogged", "muted", "bookmarked", "pinned"] as const;

/**
 * The server renders a pushed status once for every recipient, with neutral
 * viewer flags. For an edit, drop them so the reader's own favourite/boost
 * state (which the lists already hold) is kept by the merge.
 */
export function withoutViewerFlags(status: Status): Status {
  const copy = { ...status } as Status & Record<string, unknown>;
  for (const flag of VIEWER_FLAGS) delete copy[flag];
  if (copy.reblog) copy.reblog = withoutViewerFlags(copy.reblog);
  return copy;
}

function dispatch(raw: unknown) {
  if (!isStreamMessage(raw)) return;
  const message: StreamMessage = raw.event === "status.update" ? { ...raw, payload: withoutViewerFlags(raw.payload) } : raw;
  const edits = message.event === "delete" || message.event === "status.update";
  for (const sub of subscriptions) {
    if ((sub.spec && streamMatches(sub.spec, message.stream, message.payload)) || (edits && sub.allEdits)) sub.listener(message);
  }
}

/** Opens the socket (the session cookie authenticates it at the handshake). */
export function startStreaming(): void {
  if (socket || typeof window === "undefined") return;
  const s = io({ path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
  socket = s;
  s.on("connect", () => {
    for (const { spec } of joined.values()) if (spec.stream !== "user") s.emit("subscribe", joinPayload(spec));
    if (everConnected) for (const listener of reconnectListeners) listener();
    everConnected = true;
    for (const listener of statusListeners) listener(true);
  });
  s.on("disconnect", () => {
    for (const listener of statusListeners) listener(false);
  });
  s.on("message", dispatch);
}

/** After logging in or out: a new handshake so the server sees the new cookie. */
export function restartStreaming(): void {
  if (socket) {
    socket.off();
    socket.disconnect();
    socket = null;
  }
  everConnected = false;
  startStreaming();
}

export function subscribe(spec: StreamSpec, listener: Listener, options: { allEdits?: boolean } = {}): () => void {
  const sub: Subscription = { spec, listener, allEdits: options.allEdits ?? true };
  subscriptions.add(sub);
  const key = streamKey(spec);
  const entry = joined.get(key);
  if (entry) entry.count++;
  else {
    joined.set(key, { spec, count: 1 });
    if (spec.stream !== "user" && socket?.connected) socket.emit("subscribe", joinPayload(spec));
  }
  return () => {
    subscriptions.delete(sub);
    const current = joined.get(key);
    if (!current) return;
    current.count--;
    if (current.count <= 0) {
      joined.delete(key);
      if (spec.stream !== "user" && socket?.connected) socket.emit("unsubscribe", joinPayload(spec));
    }
  };
}

/** Hears deletions and edits from every stream, and this tab's own actions, without joining a stream. */
export function subscribeEdits(listener: Listener): () => void {
  const sub: Subscription = { spec: null, listener, allEdits: true };
  subscriptions.add(sub);
  return () => {
    subscriptions.delete(sub);
  };
}

/** Called after the socket came back: lists fetch what they missed. */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

export function onConnectionChange(listener: (connected: boolean) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Local events (a favourite, an edit, a deletion made in this tab) travel the same path. */
export function publishLocal(message: StreamMessage): void {
  for (const sub of subscriptions) {
    if (message.event === "update") {
      if (sub.spec && streamMatches(sub.spec, message.stream, message.payload)) sub.listener(message);
    } else if (message.event === "notification") {
      continue;
    } else if (sub.allEdits) sub.listener(message);
  }
}
