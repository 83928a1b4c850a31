// bench/streaming.ts — the Mastodon streaming API under load (`npm run bench:streaming`).
// 1,000 WebSocket clients (residents, as third-party apps connect: /api/v1/streaming
// with the token as Sec-WebSocket-Protocol, subscribed to the user stream) on a
// Parvis server process, all following one author who posts 100 times through the
// API; measures the delay from each POST returning to each client receiving the
// `update` (p50/p99) and the server's resident memory. Baseline of the same run: the
// round trip of GET /healthz on the same server, with the clients connected.
//
// Runs on PostgreSQL (a throwaway database on BENCH_DATABASE_URL or the local
// server), the server in a child process so its memory is its own.
import WebSocket from "ws";
import { runLiveDelivery } from "./lib/live-delivery";
import { machineInfo, updateDocSection } from "./lib/perf-report";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const POSTS = Number(process.env.BENCH_POSTS ?? 100);
const POST_INTERVAL_MS = Number(process.env.BENCH_POST_INTERVAL_MS ?? 100);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A third-party app's connection: the token as Sec-WebSocket-Protocol, the user stream. */
function connectStream(origin: string, token: string, onUpdate: (statusId: string) => void) {
  return new Promise<{ close(): void }>((resolve, reject) => {
    const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/streaming?stream=user`, [token]);
    socket.on("message", (data) => {
      // one JSON.parse per message, as a socket.io client does; the status id is the payload's first key
      const m = JSON.parse(String(data)) as { event: string; payload: string };
      if (m.event !== "update") return;
      onUpdate(/^\{"id":"(\d+)"/.exec(m.payload)?.[1] ?? "");
    });
    socket.once("open", () => resolve({ close: () => socket.terminate() }));
    socket.once("error", reject);
  });
}

async function main() {
  const r = await runLiveDelivery({ name: "streaming", clients: CLIENTS, posts: POSTS, postIntervalMs: POST_INTERVAL_MS, adminUrl: ADMIN_URL, connect: connectStream });
  const { fromReturn: ret, fromStart: st, baseline: base, missing, connectMs, rssIdle, rssConnected, peakRss } = r;
  const m = machineInfo();
  const fmt = (n: number) => n.toFixed(1);
  const goals = {
    latency: ret.p99 < 100,
    memory: peakRss < 300,
  };
  const section = `## Mastodon streaming (bench/streaming.ts)

Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${process.version}, PostgreSQL; run with \`npm run bench:streaming\`.${process.env.BENCH_NOTE ? ` ${process.env.BENCH_NOTE}` : ""}
${CLIENTS} WebSocket clients on \`/api/v1/streaming?stream=user\` (token as Sec-WebSocket-Protocol, as masto.js sends it), each a resident following one author who posts ${POSTS} times (one post every ${POST_INTERVAL_MS} ms) through \`POST /api/v1/statuses\`; the server runs in its own process.

| measure | p50 | p99 | max |
| --- | --- | --- | --- |
| delivery, from the POST returning to the client receiving (ms) | ${fmt(ret.p50)} | ${fmt(ret.p99)} | ${fmt(ret.max)} |
| delivery, from the POST being sent (ms) | ${fmt(st.p50)} | ${fmt(st.p99)} | ${fmt(st.max)} |
| baseline: \`GET /healthz\` round trip on the same server (ms) | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(base.max)} |

- Deliveries expected ${CLIENTS * POSTS}, missing ${missing}.
- Connecting ${CLIENTS} clients took ${(connectMs / 1000).toFixed(1)} s.
- Server resident memory: ${fmt(rssIdle)} MB idle, ${fmt(rssConnected)} MB with ${CLIENTS} clients connected, ${fmt(peakRss)} MB at peak while posting.

Goals (those of the socket.io stream): delivery p99 under 100 ms — ${goals.latency ? "met" : "**not met**"}; server under 300 MB resident — ${goals.memory ? "met" : "**not met**"}.
`;
  console.log(section);
  // a reduced run is for trying things out: only the full size (or BENCH_DOCS=1) rewrites the doc
  if ((CLIENTS >= 1000 && POSTS >= 100) || process.env.BENCH_DOCS === "1") updateDocSection("## Mastodon streaming (bench/streaming.ts)", section);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
