import type { Config } from "./config";
import type { Database, Db } from "./db/open";
import type { DomainContext } from "./domain/context";
import type { EventBus } from "./events";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics";

/** Everything a running instance shares: built once in server/instance.ts. */
export interface Services {
  config: Config;
  database: Database;
  db: Db;
  events: EventBus;
  logger: Logger;
  /** Prometheus counters and histograms (GET /metrics) */
  metrics: Metrics;
  /** the context domain functions take, bound to the shared database handle */
  domain: DomainContext;
}
