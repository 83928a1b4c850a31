// Federation as an instance module (server/instance.ts): its handler mounted
// before the body parsers, its queue workers running once the server listens
// unless this process only serves the web (PARVIS_PROCESS_ROLE=web), stopped on shutdown.
import type { Module, ModuleFactory } from "../server/instance";
import type { Services } from "../server/services";
import { createParvisFederation, type ParvisFederation, type ParvisFederationOptions } from "./index";
import { startOutbox, type OutboxHandle } from "./outbox/index";
import { installResolvers } from "./resolve";
import { pruneProcessedActivities } from "./inbox/idempotency";
import { pruneDeadLetters } from "./message-queue";
import { parvisContextHandler } from "./context-document";

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
    let workers: Promise<void> | undefined;
    let pruner: NodeJS.Timeout | undefined;
    // the JSON-LD context of the Parvis extension, then Fedify
    const context = parvisContextHandler(services.config.origin);
    return {
      parvis,
      outbox,
      earlyMiddleware: (req, res, next) => context(req, res, () => parvis.middleware(req, res, next)),
      // after the server listens: a message that blocks a worker finds /healthz already answering
      start() {
        if (services.config.processRole === "web" || workers || controller.signal.aborted) return;
        workers = parvis.startQueue(controller.signal).catch((err) => services.logger.error({ err }, "federation queue stopped"));
        pruner = setInterval(() => {
          pruneProcessedActivities(services.db).catch((err) => services.logger.warn({ err }, "pruning processed activities failed"));
          pruneDeadLetters(services.db).catch((err) => services.logger.warn({ err }, "pruning dead letters failed"));
        }, PRUNE_EVERY_MS).unref();
      },
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
