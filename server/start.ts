// `npm start`, first step: brings the built web client and the built server up to
// date with their sources (each only when they changed, server/cli/build-client.ts
// and build-server.ts), then exits; the second step of the script runs the server
// from its bundle in a process of its own (server/run-bundle.mjs), which never loads
// Node's TypeScript stripper, as `npm run start:server` does.
// The check reads and hashes the sources, some tens of milliseconds; a build, when
// one is needed, takes a few seconds for the server and longer for the client.
import { ensureClientBuilt, viteBuild } from "./cli/build-client";
import { ensureServerBuilt } from "./cli/build-server";
import { projectRoot } from "./paths";

try {
  if (ensureClientBuilt(projectRoot, () => viteBuild(projectRoot)) === "built") console.log("web client: built");
  if ((await ensureServerBuilt(projectRoot)) === "built") console.log("server: built");
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
