// startInstance(): a whole Parvis (app, database, modules) on a free loopback port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertest from "supertest";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { loadConfig, type Config } from "../../server/config";
import { createInstance, type Instance, type ModuleFactory } from "../../server/instance";
import { createLogger } from "../../server/logger";
import type { Database } from "../../server/db/open";
import { openTestDatabase, resetDatabase } from "./db";
import { freePort } from "../../bench/lib/ports";

export interface TestInstance {
  instance: Instance;
  config: Config;
  url: string;
  /** supertest bound to the running server */
  http: ReturnType<typeof supertest>;
  services: Instance["services"];
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  modules?: (config: Config) => ModuleFactory[];
  /** reuse a database (restart tests); otherwise a fresh one */
  database?: Database;
  /** listen on this port (restart tests keep their address) */
  port?: number;
  /** keep the database open on stop (to start again on it) */
  keepDatabase?: boolean;
  /** serve the web client (end-to-end tests) */
  client?: import("express").RequestHandler;
  /** log here (tests that read the log lines) */
  logger?: import("../../server/logger").Logger;
}

/**
 * One instance for a whole test file: started before its tests, emptied before
 * each, stopped after them. `use` receives it once started.
 */
export function useTestInstance(use: (t: TestInstance) => void, options: StartOptions = {}): void {
  let t: TestInstance | undefined;
  beforeAll(async () => {
    t = await startInstance(options);
    use(t);
  });
  afterAll(async () => {
    await t?.stop();
  });
  beforeEach(async () => {
    await t?.reset();
  });
}

export async function startInstance(options: StartOptions = {}): Promise<TestInstance> {
  const dataDir = mkdtempSync(join(tmpdir(), "parvis-test-"));
  const port = options.port ?? 0;
  // The domain must be known before listening: reserve a port first when none is given.
  const actualPort = port || (await freePort());
  const config = loadConfig({
    PARVIS_DOMAIN: `localhost:${actualPort}`,
    PORT: String(actualPort),
    HOST: "127.0.0.1",
    PARVIS_DATA_DIR: dataDir,
    PARVIS_SECRET: "test-secret-test-secret-test-secret-0123456789",
    PARVIS_COMMUNE_NAME: "Testville",
    PARVIS_INSEE_CODE: "75056",
    PARVIS_ALLOW_PRIVATE_ADDRESS: "true",
    PARVIS_AUTH_RATE_LIMIT: "1000",
    // suites post and upload far more than a resident would; rate-limit tests lower these
    PARVIS_RATE_LIMIT_STATUSES: "100000/1h",
    PARVIS_RATE_LIMIT_MEDIA: "100000/1h",
    PARVIS_RATE_LIMIT_FOLLOWS: "100000/1h",
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const database = options.database ?? (await openTestDatabase());
  const keep = options.keepDatabase ?? false;
  const wrapped: Database = keep ? { ...database, close: async () => {} } : database;
  const instance = await createInstance(config, {
    database: wrapped,
    logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    modules: options.modules?.(config) ?? [],
    client: options.client,
  });
  const url = await instance.listen(actualPort, "127.0.0.1");
  return {
    instance,
    config,
    url,
    http: supertest(url),
    services: instance.services,
    reset: async () => {
      await resetDatabase(database.db);
      // rows remembered in memory would outlive the rows they copy
      instance.services.domain.accountCache?.clear();
    },
    stop: async () => {
      await instance.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

