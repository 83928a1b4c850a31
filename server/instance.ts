// Builds a whole Parvis instance: database, services, HTTP app, federation,
// real time. Used by server/main.ts and by the tests (several per test run).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "express";
import { createApp, type AppExtensions } from "./app";
import type { Config } from "./config";
import { startTableUpkeep } from "./db/maintenance";
import { databaseOptions, openDatabase, type Database } from "./db/open";
import { AccountUriCache } from "./domain/accounts";
import { acknowledgeEvent, replayJournal } from "./domain/event-journal";
import { EventBus } from "./events";
import { createMediaStore, evictRemoteMediaCache, removeUnattachedMedia } from "./domain/media";
import { forgetOldCounters } from "./domain/accounts";
import { createLogger, type Logger } from "./logger";
import { createMetrics } from "./metrics";
import type { Services } from "./services";

/** A part of the instance with a life of its own (federation queue, real time…). */
export interface Module {
  /** Express middleware mounted before the body parsers (federation) */
  earlyMiddleware?: RequestHandler;
  /** Express routes mounted after authentication, before the API routers (streaming) */
  routes?: RequestHandler;
  /** called once the HTTP server exists */
  attach?(server: Server): void | Promise<void>;
  /**
   * Background work (queue workers), started once the server listens: whatever a
   * worker meets, /healthz and the inbox are already answering.
   */
  start?(): void | Promise<void>;
  stop?(): Promise<void>;
}

export type ModuleFactory = (services: Services) => Module | Promise<Module>;

/** How often each process looks for journaled events nobody finished handling. */
export const JOURNAL_REPLAY_INTERVAL_MS = 30_000;
/** How often each process removes uploads never attached (older than a day), ended rate-limit windows, and cached remote media past their age or the cache size. */
export const HOUSEKEEPING_INTERVAL_MS = 15 * 60_000;

export interface InstanceOptions {
  database?: Database;
  logger?: Logger;
  modules?: ModuleFactory[];
  client?: RequestHandler;
}

export interface Instance {
  services: Services;
  server: Server;
  /** base URL once listening */
  url: string;
  listen(port?: number, host?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function buildServices(config: Config, options: InstanceOptions = {}): Promise<Services> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database =
    options.database ??
    (await openDatabase(databaseOptions(config)));
  if (database.created) {
    logger.info({ ms: Math.round(database.created.ms), peakMb: database.created.peakMb }, "created the embedded database in a separate process");
  }
  if (database.compilationWarning) logger.warn(database.compilationWarning);
  if (database.recovered) logger.warn("the embedded database was not stopped cleanly last time: it replayed its write-ahead log");
  const events = new EventBus((err, event) => logger.error({ err, event }, "event subscriber failed"));
  events.acknowledge = (journalId) => acknowledgeEvent(database.db, journalId);
  const services: Services = {
    config,
    database,
    db: database.db,
    events,
    logger,
    metrics: createMetrics(),
    domain: { db: database.db, events, config, accountCache: new AccountUriCache(events), mediaStore: createMediaStore(config) },
  };
  return services;
}

export async function createInstance(config: Config, options: InstanceOptions = {}): Promise<Instance> {
  const services = await buildServices(config, options);
  const modules: Module[] = [];
  for (const factory of options.modules ?? []) modules.push(await factory(services));
  const extensions: AppExtensions = {
    client: options.client,
    routes: modules.map((m) => m.routes).filter((r): r is RequestHandler => Boolean(r)),
  };
  const early = modules.map((m) => m.earlyMiddleware).filter((m): m is RequestHandler => Boolean(m));
  if (early.length) {
    extensions.federation = (req, res, next) => {
      let i = 0;
      const step = (err?: unknown) => {
        if (err) return next(err);
        const mw = early[i++];
        if (!mw) return next();
        mw(req, res, step);
      };
      step();
    };
  }
  const app = createApp(services, extensions);
  const server = createServer(app);
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  for (const m of modules) await m.attach?.(server);
  // events whose subscribers never finished (a crash after the commit) go out again
  const replay = () =>
    void replayJournal(services.domain).then(
      ({ published, abandoned }) => {
        if (published) services.logger.info({ published }, "journaled events published again");
        for (const event of abandoned) services.logger.error({ event }, "journaled event given up after repeated failures");
      },
      (err) => services.logger.error({ err }, "event journal replay failed"),
    );
  replay();
  const replayTimer = setInterval(replay, JOURNAL_REPLAY_INTERVAL_MS);
  replayTimer.unref();
  const housekeeping = () =>
    void Promise.all([removeUnattachedMedia(services.domain), forgetOldCounters(services.domain), evictRemoteMediaCache(services.domain)]).then(
      ([media, , evicted]) => {
        if (media) services.logger.info({ media }, "unattached uploads removed");
        if (evicted) services.logger.info({ evicted }, "cached remote media evicted");
      },
      (err) => services.logger.error({ err }, "housekeeping failed"),
    );
  const housekeepingTimer = setInterval(housekeeping, HOUSEKEEPING_INTERVAL_MS);
  housekeepingTimer.unref();
  // PostgreSQL's autovacuum keeps its statistics; a web process beside a worker leaves the check to the worker
  const upkeep =
    services.database.kind === "pglite" || config.processRole !== "web"
      ? startTableUpkeep(services.database, config.dbMaintenanceIntervalMs, services.logger)
      : undefined;

  const instance: Instance = {
    services,
    server,
    url: "",
    async listen(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      for (const m of modules) await m.start?.();
      const address = server.address() as AddressInfo;
      const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
      instance.url = `http://${shownHost}:${address.port}`;
      return instance.url;
    },
    async stop() {
      clearInterval(replayTimer);
      clearInterval(housekeepingTimer);
      // stop accepting, let requests in flight finish, then close the rest
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, 5_000).unref();
      });
      for (const m of [...modules].reverse()) await m.stop?.().catch((err) => services.logger.error({ err }, "module stop failed"));
      await services.events.settle();
      await upkeep?.stop();
      await services.database.close();
    },
  };
  return instance;
}
