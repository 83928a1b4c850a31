// bench/realtime.ts — real-time delivery under load.
// 1,000 socket.io clients (residents) connected to a Parvis server process, all
// following one author who posts 100 times through the API; measures the delay
// from each POST returning to each client receiving the post (p50/p99), the
// server's resident memory, and the size of the web client's initial JavaScript.
// Baseline of the same run: the round trip of GET /healthz on the same server
// (the floor of any request to that process on this machine, under the same load).
//
// Runs on PostgreSQL (a throwaway database on BENCH_DATABASE_URL or the local
// server), the server in a child process so its memory is its own.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { io as connect } from "socket.io-client";
import { runLiveDelivery } from "./lib/live-delivery";
import { machineInfo, updateDocSection } from "./lib/perf-report";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const POSTS = Number(process.env.BENCH_POSTS ?? 100);
const POST_INTERVAL_MS = Number(process.env.BENCH_POST_INTERVAL_MS ?? 100);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Gzipped size of the scripts index.html loads first (entry + modulepreloads). */
function initialJavaScript(): { files: string[]; gzipKb: number } | null {
  const dist = join(process.cwd(), "dist", "client");
  const index = join(dist, "index.html");
  if (!existsSync(index)) return null;
  const html = readFileSync(index, "utf8");
  const files = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f.replace(/^\//, "")))).length, 0);
  return { files, gzipKb: bytes / 1024 };
}

/** The web client's connection: socket.io over WebSocket, the token in the handshake. */
function connectSocket(origin: string, token: string, onUpdate: (statusId: string) => void) {
  return new Promise<{ close(): void }>((resolve, reject) => {
    const socket = connect(origin, { path: "/socket.io", transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false });
    socket.on("message", (m: { event: string; payload: { id: string } }) => {
      if (m.event === "update") onUpdate(m.payload.id);
    });
    socket.once("connect", () => resolve({ close: () => socket.disconnect() }));
    socket.once("connect_error", reject);
  });
}

async function main() {
  const r = await runLiveDelivery({ name: "realtime", clients: CLIENTS, posts: POSTS, postIntervalMs: POST_INTERVAL_MS, adminUrl: ADMIN_URL, connect: connectSocket });
  const { fromReturn: ret, fromStart: st, baseline: base, missing, connectMs, rssIdle, rssConnected, peakRss } = r;
  const js = initialJavaScript();
  const m = machineInfo();
  const fmt = (n: number) => n.toFixed(1);
  const goals = {
    latency: ret.p99 < 100,
    memory: peakRss < 300,
    js: js ? js.gzipKb < 200 : false,
  };
  const section = `## Real time (bench/realtime.ts)

Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${process.version}, PostgreSQL.
${CLIENTS} socket.io clients (websocket transport), each a resident following one author who posts ${POSTS} times (one post every ${POST_INTERVAL_MS} ms) through \`POST /api/v1/statuses\`; the server runs in its own process.

| measure | p50 | p99 | max |
| --- | --- | --- | --- |
| delivery, from the POST returning to the client receiving (ms) | ${fmt(ret.p50)} | ${fmt(ret.p99)} | ${fmt(ret.max)} |
| delivery, from the POST being sent (ms) | ${fmt(st.p50)} | ${fmt(st.p99)} | ${fmt(st.max)} |
| baseline: \`GET /healthz\` round trip on the same server (ms) | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(base.max)} |

- Deliveries expected ${CLIENTS * POSTS}, missing ${missing}.
- Connecting ${CLIENTS} clients took ${(connectMs / 1000).toFixed(1)} s.
- Server resident memory: ${fmt(rssIdle)} MB idle, ${fmt(rssConnected)} MB with ${CLIENTS} clients connected, ${fmt(peakRss)} MB at peak while posting.
- Initial JavaScript of the web client: ${js ? `${fmt(js.gzipKb)} KB gzipped (${js.files.join(", ")})` : "not measured (run \`npm run build:client\` first)"}.

Goals: delivery p99 under 100 ms — ${goals.latency ? "met" : "**not met**"}; server under 300 MB resident — ${goals.memory ? "met" : "**not met**"}; initial JavaScript under 200 KB gzipped — ${goals.js ? "met" : "**not met**"}.
`;
  console.log(section);
  // a reduced run is for trying things out: only the full size (or BENCH_DOCS=1) rewrites the doc
  if ((CLIENTS >= 1000 && POSTS >= 100) || process.env.BENCH_DOCS === "1") updateDocSection("## Real time (bench/realtime.ts)", section);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
