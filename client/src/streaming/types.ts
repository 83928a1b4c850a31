import type { Notification, Status } from "../api/types";

/** Streams a client may ask for; "user" is joined automatically by a logged-in socket. */
export type StreamSpec =
  | { stream: "user" }
  | { stream: "public:local" }
  | { stream: "public" }
  | { stream: "hashtag"; tag: string }
  /** a group's posts: a public group's come on its own stream, a members-only group's on the member's user stream */
  | { stream: "group"; group: string };

/** Mastodon-streaming-shaped message sent by the server on the socket event "message". */
export type StreamMessage =
  | { stream: string[]; event: "update"; payload: Status }
  | { stream: string[]; event: "status.update"; payload: Status }
  | { stream: string[]; event: "delete"; payload: string }
  | { stream: string[]; event: "notification"; payload: Notification };

/** Does a message addressed to `stream` belong to the stream a listener asked for? */
export function streamMatches(spec: StreamSpec, stream: string[] | undefined, payload?: unknown): boolean {
  const [name = "", arg = ""] = stream ?? [];
  switch (spec.stream) {
    case "group": {
      if (name === "group") return arg === spec.group;
      const group = (payload as { parvis_group?: { id?: string } } | undefined)?.parvis_group;
      return (name === "user" || name.startsWith("user:")) && group?.id === spec.group;
    }
    case "user":
      return name === "user" || name.startsWith("user:");
    case "public:local":
      return name === "public:local";
    case "public":
      return name === "public";
    case "hashtag":
      return (name === "hashtag" || name === "hashtag:local") && arg.toLowerCase() === spec.tag.toLowerCase();
  }
}

export function streamKey(spec: StreamSpec): string {
  if (spec.stream === "group") return `group:${spec.group}`;
  return spec.stream === "hashtag" ? `hashtag:${spec.tag.toLowerCase()}` : spec.stream;
}

export function isStreamMessage(value: unknown): value is StreamMessage {
  if (typeof value !== "object" || value === null) return false;
  const m = value as { event?: unknown; payload?: unknown };
  if (m.event === "delete") return typeof m.payload === "string";
  if (m.event === "update" || m.event === "status.update" || m.event === "notification")
    return typeof m.payload === "object" && m.payload !== null && typeof (m.payload as { id?: unknown }).id === "string";
  return false;
}
