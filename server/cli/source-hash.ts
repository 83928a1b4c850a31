// The content hash that tells `npm start` whether a build is current: of the files
// a build was made from, by content and path, not modification times (a fresh
// checkout or a copy touches every file). Used for the web client and the server.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The hash of `files` (paths relative to `root`, "/"-separated); order does not matter. Throws if one is missing. */
export function hashFiles(root: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of [...new Set(files)].sort()) {
    hash.update(file).update("\0").update(readFileSync(join(root, file))).update("\0");
  }
  return hash.digest("hex");
}
