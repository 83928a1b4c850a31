// Where the project's own files are. The server runs from its sources (tests,
// `npm run dev`) and from the bundle in dist/server (`npm start`, docs/adr/0027),
// and a module's import.meta.url differs between the two; every path the server
// needs at run time is therefore taken from the project's root, found once here.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest folder above `from` that holds a package.json: the repository (neither server/ nor dist/server/ has one). */
export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export const paths = {
  /** Drizzle's committed migrations */
  migrations: join(projectRoot, "server", "db", "migrations"),
  /** the server's own static files (the OAuth page's stylesheet, the API's icons) */
  serverStatic: join(projectRoot, "server", "static"),
  /** the built web client (npm run build:client) */
  clientDist: join(projectRoot, "dist", "client"),
  /** the script that creates a new PGlite data directory in its own process; Node runs its TypeScript as is */
  pgliteCreateChild: join(projectRoot, "server", "db", "pglite-create-child.ts"),
} as const;
