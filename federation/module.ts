// Federation as an instance module (server/instance.ts): its handler mounted
// before the body parsers, its queue workers running unless this process
// only serves the web (PARVIS_PROCESS_ROLE=web), stopped on shutdown.
import type { Module, ModuleFactory } from "../server/instance";
import type { Services } from "../server/services";
import { createParvisFederation, type ParvisFederation, type ParvisFederationOptions } from "./index";
import { startOutbox, type OutboxHandle } from "./outbox";
import { installResolvers } from "./resolve";
import { pruneProcessedActivities } from "./inbox/idempotency";

const PRUNE_EVERY_MS = 3600_000;

export interface FederationModule extends Module {
  parvis: ParvisFederation;
  /** outgoing federation: subscribed to the domain events in every process role (it only enqueues) */
  outbox: OutboxHandle;
}

/** How long shutdown waits for deliveries in flight before giving up on them (they will be retried). */
const STOP_GRACE_MS = 5_000;

export function federationModule(options: ParvisFederationOptions = {}): ModuleFactory {
  return (services: Services): FederationModule => {
    const parvis = createParvisFederation(services, options);
    // search ?resolve=true and @mentions of remote accounts in new posts
    installResolvers(services, parvis.context, parvis.safeFetch);
    const outbox = startOutbox(services, parvis);
    const controller = new AbortController();
    const workers =
      services.config.processRole === "web"
        ? undefined
        : parvis.startQueue(controller.signal).catch((err) => services.logger.error({ err }, "federation queue stopped"));
    const pruner =
      services.config.processRole === "web"
        ? undefined
        : setInterval(() => {
            pruneProcessedActivities(services.db).catch((err) => services.logger.warn({ err }, "pruning processed activities failed"));
          }, PRUNE_EVERY_MS).unref();
    return {
      parvis,
      outbox,
      earlyMiddleware: parvis.middleware,
      async stop() {
        outbox.stop();
        if (pruner) clearInterval(pruner);
        controller.abort();
        if (!workers) return;
        await Promise.race([workers, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
      },
    };
  };
}
