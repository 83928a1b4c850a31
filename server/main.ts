// Start-up: configuration → database → app → listen; graceful shutdown on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from "./config";
import { databaseOptions, openDatabase } from "./db/open";
import { createLogger } from "./logger";

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  // The database opens (PGlite compiles its WebAssembly off the main thread) while
  // the rest of the server's code loads: start-up takes the longer of the two, not their sum.
  const opening = openDatabase(databaseOptions(config));
  opening.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
  const [{ createInstance }, { defaultModules, defaultClient }] = await Promise.all([import("./instance"), import("./modules")]);
  const database = await opening;
  const instance = await createInstance(config, { database, logger, modules: defaultModules(config), client: defaultClient() });
  const url = await instance.listen();
  logger.info({ url, origin: config.origin, database: instance.services.database.kind }, `Parvis for ${config.commune.name} is listening`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, 20_000);
    timer.unref();
    try {
      await instance.stop();
      logger.info("stopped");
      process.exit(0);
    } catch (err) {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
