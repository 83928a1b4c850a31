// Clients of the Mastodon streaming API over real WebSockets, for the realtime
// tests: open a connection as a resident (or with a token placed in the query,
// the Authorization header or Sec-WebSocket-Protocol), subscribe, and read the
// events received. Every connection a test opens is terminated after it.
import { afterEach } from "vitest";
import WebSocket from "ws";
import type { Resident } from "./factories";
import type { TestInstance } from "./instance";
import { sleep } from "./wait";

export interface StreamMessage {
  stream?: string[];
  event?: string;
  payload?: string;
  error?: string;
  status?: number;
}

export class StreamClient {
  readonly messages: StreamMessage[] = [];
  /** resolves with the close code once the server (or the test) closes the connection */
  readonly closed: Promise<number>;

  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => this.messages.push(JSON.parse(String(data)) as StreamMessage));
    this.closed = new Promise((resolve) => ws.once("close", (code) => resolve(code)));
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Subscribes, then leaves the server a moment to register it (it does not acknowledge). */
  async subscribe(message: Record<string, unknown>): Promise<void> {
    this.send({ type: "subscribe", ...message });
    await sleep(150);
  }

  events(name?: string): StreamMessage[] {
    return this.messages.filter((m) => m.event && (!name || m.event === name));
  }

  /** The ids carried by the events `event`: a status's id, or the bare id a `delete` carries. */
  ids(event = "update"): (string | undefined)[] {
    return this.events(event).map((m) => (event === "delete" ? m.payload : (JSON.parse(m.payload!) as { id: string }).id));
  }

  /** Ids of the statuses of the `update` events received. */
  updates(): string[] {
    return this.ids("update") as string[];
  }
}

/** Where a token goes in the handshake; none: an anonymous visitor. */
export interface StreamAuth {
  query?: string;
  header?: string;
  protocol?: string;
}

/**
 * Returns `open(who, path)`, which connects to `instance()`'s streaming API;
 * `who` is a resident or a bare token (sent in the query) or a StreamAuth.
 * Registers an afterEach that terminates what the test opened.
 */
export function streamingClients(instance: () => TestInstance) {
  const opened: WebSocket[] = [];
  afterEach(() => {
    for (const ws of opened.splice(0)) ws.terminate();
  });
  return async function open(who: Resident | string | StreamAuth = {}, path = "/api/v1/streaming"): Promise<StreamClient> {
    const auth: StreamAuth = typeof who === "string" ? { query: who } : "token" in who ? { query: who.token } : who;
    const base = instance().url.replace(/^http/, "ws") + path;
    const url = auth.query ? `${base}${base.includes("?") ? "&" : "?"}access_token=${auth.query}` : base;
    const ws = new WebSocket(url, auth.protocol ? [auth.protocol] : [], auth.header ? { headers: { Authorization: `Bearer ${auth.header}` } } : {});
    opened.push(ws);
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
    return client;
  };
}

/** Lets the published events reach the streams, then waits `ms` for the frames to arrive. */
export async function settleStreams(t: TestInstance, ms = 250): Promise<void> {
  await t.services.events.settle();
  await sleep(ms);
}
