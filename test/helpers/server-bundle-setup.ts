// Vitest's global setup: the tests that spawn the server run it as production does,
// from its bundle (`npm run start:server`, dist/server). Bring that bundle up to
// date once, before any test runs, so that they never run a stale build of the
// sources under test (a second or two when something changed, a hash otherwise).
import { ensureServerBuilt } from "../../server/cli/build-server";

export async function setup(): Promise<void> {
  await ensureServerBuilt();
}
