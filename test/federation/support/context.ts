// A domain context on a test database, without an HTTP server.
import { loadConfig, type Config } from "../../../server/config";
import type { Database } from "../../../server/db/open";
import type { DomainContext } from "../../../server/domain/context";
import { EventBus } from "../../../server/events";

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PARVIS_DOMAIN: "parvis.test",
    PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789",
    PARVIS_DATA_DIR: "/tmp/parvis-unused",
    LOG_LEVEL: "silent",
    ...env,
  });
}

export function domainContext(database: Database, env: Record<string, string> = {}): DomainContext {
  return { db: database.db, events: new EventBus(), config: testConfig(env) };
}
