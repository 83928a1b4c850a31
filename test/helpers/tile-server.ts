// A fake tile server on loopback for the map's tests: answers /t/:z/:x/:y.png
// with a small PNG named by its coordinates, counts requests per path, records
// the last request's headers, and can be told to fail, redirect or be slow.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TileBehaviour {
  status?: number;
  contentType?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  delayMs?: number;
}

export interface FakeTileServer {
  /** the URL template to configure: http://127.0.0.1:port/t/{z}/{x}/{y}.png */
  template: string;
  origin: string;
  hits: Map<string, number>;
  lastHeaders: IncomingHttpHeaders | null;
  /** special answers by path ("/t/1/0/0.png") */
  behaviours: Map<string, TileBehaviour>;
  /** headers every tile answer carries (unless a behaviour replaces them) */
  defaultHeaders: Record<string, string>;
  reset(): void;
  close(): Promise<void>;
}

/** A PNG signature and a few bytes naming the tile: distinct and recognisable per tile. */
export function fakeTile(path: string, size = 64): Buffer {
  const head = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const name = Buffer.from(path, "utf8");
  return Buffer.concat([head, name, Buffer.alloc(Math.max(0, size - head.length - name.length), 0x2a)]);
}

/** `tile`: the bytes of a tile by path (default: fakeTile, not a decodable image). */
export async function startTileServer(options: { tile?: (path: string) => Buffer } = {}): Promise<FakeTileServer> {
  const state: FakeTileServer = {
    template: "",
    origin: "",
    hits: new Map(),
    lastHeaders: null,
    behaviours: new Map(),
    defaultHeaders: { "cache-control": "max-age=86400" },
    reset() {
      state.hits.clear();
      state.behaviours.clear();
      state.lastHeaders = null;
      state.defaultHeaders = { "cache-control": "max-age=86400" };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    state.hits.set(path, (state.hits.get(path) ?? 0) + 1);
    state.lastHeaders = req.headers;
    const b = state.behaviours.get(path);
    const answer = () => {
      if (b?.status && b.status !== 200) {
        res.writeHead(b.status, { "content-type": b.contentType ?? "text/plain", ...b.headers });
        res.end(b.body ?? "");
        return;
      }
      if (!/^\/t\/\d+\/\d+\/\d+\.png$/.test(path)) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      res.writeHead(200, { "content-type": b?.contentType ?? "image/png", ...(b?.headers ?? state.defaultHeaders) });
      res.end(b?.body ?? (options.tile ?? fakeTile)(path));
    };
    if (b?.delayMs) setTimeout(answer, b.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  state.template = `${state.origin}/t/{z}/{x}/{y}.png`;
  return state;
}
