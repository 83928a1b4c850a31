// A running Parvis with the federation module, and a stand-in for the web
// client behind it (answers HTML for what federation passes on).
import type { RequestHandler } from "express";
import type { ModuleFactory } from "../../../server/instance";
import type { ParvisFederation, ParvisFederationOptions } from "../../../federation/index";
import { federationModule, type FederationModule } from "../../../federation/module";
import { startInstance, type StartOptions, type TestInstance } from "../../helpers/instance";

export interface FederatedInstance extends TestInstance {
  parvis: ParvisFederation;
}

/** Fast retries and polling: tests wait seconds, not hours. */
export const FAST: ParvisFederationOptions = {
  retry: {
    outbox: { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 5 },
    inbox: { initialDelayMs: 200, maxDelayMs: 1_000, maxAttempts: 3 },
  },
  queue: { pollIntervalMs: 50 },
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
    captured = (await federationModule({ ...FAST, ...options.federation })(services)) as FederationModule;
    return captured;
  };
  const client: ModuleFactory = () => ({ earlyMiddleware: htmlClient });
  const t = await startInstance({
    ...options,
    modules: (config) => [capture, client, ...(options.modules?.(config) ?? [])],
  });
  return Object.assign(t, { parvis: captured!.parvis });
}
