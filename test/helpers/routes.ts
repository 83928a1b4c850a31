// Every route the Express app answers, read from its router stack (so a route
// added later is walked by the bad-input tests without anyone listing it).
import type { Server } from "node:http";

export interface RouteInfo {
  method: string;
  /** Express path with its :params */
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function walk(stack: Layer[], out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== "_all") out.push({ method, path });
        }
      }
    } else if (layer.handle?.stack) {
      // routers mounted without a path prefix (ours are)
      walk(layer.handle.stack, out);
    }
  }
}

/** The routes of the Express app serving `server`. */
export function listRoutes(server: Server): RouteInfo[] {
  const app = server.listeners("request")[0] as unknown as { router: { stack: Layer[] } };
  const out: RouteInfo[] = [];
  walk(app.router.stack, out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A route's path with each :param replaced by `value` (already URL-encoded). */
export function fillParams(path: string, value: string): string {
  return path.replace(/:[A-Za-z_]+/g, value);
}
