// A running Parvis with the federation module, and a stand-in for the web
// client behind it (answers HTML for what federation passes on).
import { sql } from "drizzle-orm";
import type { RequestHandler } from "express";
import { rowsOf } from "../../../server/db/rows";
import type { ModuleFactory } from "../../../server/instance";
import type { ParvisFederation, ParvisFederationOptions } from "../../../federation/index";
import { federationModule, type FederationModule } from "../../../federation/module";
import { startInstance, type StartOptions, type TestInstance } from "../../helpers/instance";
import { sleep, waitFor } from "../../helpers/wait";

export interface FederatedInstance extends TestInstance {
  parvis: ParvisFederation;
}

/**
 * The federation options of every test instance: queue polling every 50 ms and
 * retries from 200 ms to 1 s (outbox: 5 retries, ~3 s in all; inbox: 3), so
 * that tests wait seconds, not hours. Tests that need a longer window (an
 * instance restarting) override `retry`.
 */
export const FAST_FEDERATION: ParvisFederationOptions = {
  retry: {
    outbox: { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 5 },
    inbox: { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 3 },
  },
  queue: { pollIntervalMs: 50 },
  // Fedify's breaker holds a host's deliveries for 30 minutes after 5 failures:
  // right for production, but a restart test would wait half an hour.
  circuitBreaker: false,
};

const htmlClient: RequestHandler = (req, res, next) => {
  if (req.method !== "GET" || req.path.startsWith("/api/")) return next();
  res.type("html").send(`<!doctype html><title>client</title><p>${req.path}</p>`);
};

export async function startFederatedInstance(
  options: StartOptions & { federation?: ParvisFederationOptions } = {},
): Promise<FederatedInstance> {
  let captured: FederationModule | undefined;
  const capture: ModuleFactory = async (services) => {
    captured = (await federationModule({ ...FAST_FEDERATION, ...options.federation })(services)) as FederationModule;
    return captured;
  };
  const client: ModuleFactory = () => ({ earlyMiddleware: htmlClient });
  const t = await startInstance({
    ...options,
    modules: (config) => [capture, client, ...(options.modules?.(config) ?? [])],
  });
  return Object.assign(t, { parvis: captured!.parvis });
}

/** Resolves once every queued inbox activity has been handled (or dropped), and events have settled. */
export async function inboxIdle(t: TestInstance, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await t.services.db.execute(sql`select count(*)::int as n from fedify_queue where queue = 'inbox'`);
    if (Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0) === 0) break;
    if (Date.now() > deadline) throw new Error("inbox queue did not drain");
    await sleep(25);
  }
  await t.services.events.settle();
}

/** Waits until every outgoing message was handled (handled rows leave the queue table; retries come back as new rows). */
export async function drainOutbox(t: TestInstance): Promise<void> {
  await t.services.events.settle();
  const pending = async () =>
    Number(rowsOf<{ n: number }>(await t.services.db.execute(sql`select count(*)::int as n from fedify_queue where queue <> 'inbox'`))[0]?.n ?? 0);
  await waitFor(pending, (n) => n === 0);
  await sleep(100);
  await waitFor(pending, (n) => n === 0);
}
