// `npm start`: brings the built web client and the built server up to date with
// their sources (each only when they changed, server/cli/build-client.ts and
// build-server.ts), then runs the server from its bundle in this same process.
// The check reads and hashes the sources, some tens of milliseconds; a build, when
// one is needed, takes a few seconds for the server and longer for the client.
import { pathToFileURL } from "node:url";
import { ensureClientBuilt, viteBuild } from "./cli/build-client";
import { ensureServerBuilt, serverBundlePath } from "./cli/build-server";
import { projectRoot } from "./paths";

try {
  if (ensureClientBuilt(projectRoot, () => viteBuild(projectRoot)) === "built") console.log("web client: built");
  if ((await ensureServerBuilt(projectRoot)) === "built") console.log("server: built");
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
await import(pathToFileURL(serverBundlePath(projectRoot)).href);
