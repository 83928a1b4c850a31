// An HTTP load generator in a worker thread, so that sending requests and reading
// answers does not share the event loop of the instance being measured.
// Keep-alive connections (node:http Agent), `concurrency` requests in flight.
import { Worker } from "node:worker_threads";

export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  /** bearer token */
  token?: string;
  /** JSON body */
  body?: string;
}

export interface LoadOptions {
  host: string;
  port: number;
  /** Host header (the instance's domain) */
  hostHeader?: string;
  requests: LoadRequest[];
  concurrency: number;
}

export interface LoadResult {
  /** per request, in milliseconds, in completion order */
  latencies: number[];
  elapsedMs: number;
  /** HTTP status → count */
  statuses: Record<string, number>;
  bytes: number;
}

// Plain JavaScript: the worker runs it as is, without the TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { performance } = require("node:perf_hooks");
const { host, port, hostHeader, requests, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
const statuses = {};
let bytes = 0;
let next = 0;
function one(r) {
  return new Promise((resolve, reject) => {
    const headers = { host: hostHeader || host + ":" + port, accept: "application/json" };
    if (r.token) headers.authorization = "Bearer " + r.token;
    if (r.body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(r.body);
    }
    const t0 = performance.now();
    const req = http.request({ host, port, path: r.path, method: r.method, headers, agent }, (res) => {
      res.on("data", (chunk) => { bytes += chunk.length; });
      res.on("end", () => {
        latencies.push(performance.now() - t0);
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        resolve();
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}
async function lane() {
  while (next < requests.length) {
    const r = requests[next++];
    await one(r);
  }
}
(async () => {
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, lane));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  parentPort.postMessage({ latencies, elapsedMs, statuses, bytes });
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: options });
    worker.once("message", (msg: LoadResult | { error: string }) => {
      void worker.terminate();
      if ("error" in msg) reject(new Error(msg.error));
      else resolve(msg);
    });
    worker.once("error", reject);
  });
}
