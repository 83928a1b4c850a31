import type { Config } from "./config";
import type { Database, Db } from "./db/open";
import type { DomainContext } from "./domain/context";
import type { EventBus } from "./events";
import type { Logger } from "./logger";

/** Everything a running instance shares: built once in server/instance.ts. */
export interface Services {
  config: Config;
  database: Database;
  db: Db;
  events: EventBus;
  logger: Logger;
  /** the context domain functions take, bound to the shared database handle */
  domain: DomainContext;
}
