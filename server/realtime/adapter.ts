// Carries real-time events between processes: the socket.io PostgreSQL adapter
// (LISTEN/NOTIFY on the instance's database) or the Redis adapter.
// Each is loaded only when configured: the Redis client alone costs about 200 ms of
// start-up and 30 MB of memory a single-process instance has no use for.
// The three packages are CommonJS: their exports are taken from the import's default,
// which is module.exports under Node (the sources) as in the server's bundle (esbuild's
// interop), whatever named exports either one derives.
import type { createAdapter as createPostgresAdapter } from "@socket.io/postgres-adapter";
import type { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import type { Services } from "../services";

export interface AdapterHandle {
  factory: ReturnType<typeof createPostgresAdapter> | ReturnType<typeof createRedisAdapter>;
  close(): Promise<void>;
}

export async function createAdapter(services: Services): Promise<AdapterHandle | null> {
  const { config, database, logger } = services;
  if (config.realtimeAdapter === "postgres") {
    if (!database.pool) throw new Error("PARVIS_REALTIME_ADAPTER=postgres needs DATABASE_URL (a PostgreSQL server)");
    const { createAdapter: createPostgresAdapter } = (await import("@socket.io/postgres-adapter")).default;
    const factory = createPostgresAdapter(database.pool, {
      errorHandler: (err) => logger.warn({ err }, "realtime adapter error"),
      heartbeatInterval: 2000,
      heartbeatTimeout: 6000,
    });
    return { factory, close: async () => {} };
  }
  if (config.realtimeAdapter === "redis") {
    const [redisAdapter, redis] = await Promise.all([import("@socket.io/redis-adapter"), import("redis")]);
    const { createAdapter: createRedisAdapter } = redisAdapter.default;
    const { createClient } = redis.default;
    const pub = createClient({ url: config.redisUrl });
    const sub = pub.duplicate();
    pub.on("error", (err) => logger.warn({ err }, "redis publisher error"));
    sub.on("error", (err) => logger.warn({ err }, "redis subscriber error"));
    await Promise.all([pub.connect(), sub.connect()]);
    return {
      factory: createRedisAdapter(pub, sub),
      close: async () => {
        await Promise.allSettled([pub.quit(), sub.quit()]);
      },
    };
  }
  return null;
}
