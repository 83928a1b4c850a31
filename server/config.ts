// Environment → one typed, validated Config object. An invalid value stops
// start-up with a message naming the variable.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const hostPort = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/i, "must be a host name with an optional :port");

const UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "300/3h": at most 300 in each window of 3 hours (s, m, h or d). */
const perPeriod = z
  .string()
  .regex(/^\d{1,9}\/\d{1,6}[smhd]$/, "must be COUNT/PERIOD, e.g. 300/3h (period in s, m, h or d)")
  .transform((v) => {
    const [count, period] = v.split("/");
    const unit = period.slice(-1) as keyof typeof UNITS_MS;
    return { limit: Number(count), periodMs: Number(period.slice(0, -1)) * UNITS_MS[unit] };
  })
  .refine((v) => v.limit >= 1 && v.periodMs >= 1000, "must allow at least 1 per period of at least 1s");
/** A PostgreSQL memory size as its settings take it: 16MB, 512kB, 1GB. */
const memorySize = z.string().regex(/^[1-9][0-9]{0,6}(kB|MB|GB)$/, "must be a size such as 16MB, 512kB or 1GB");

const envSchema = z.object({
  PARVIS_DOMAIN: hostPort.optional(),
  PARVIS_PROTOCOL: z.enum(["http", "https"]).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PARVIS_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  PARVIS_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  PARVIS_COMMUNE_NAME: z.string().min(1).max(200).default("Parvis"),
  PARVIS_INSEE_CODE: z
    .string()
    .regex(/^(\d{5}|2[AB]\d{3})$/, "must be a five-character INSEE commune code")
    .optional(),
  PARVIS_DESCRIPTION: z.string().max(5000).default(""),
  PARVIS_CONTACT_EMAIL: z.email().optional(),
  PARVIS_REGISTRATION_MODE: z.enum(["open", "approval", "closed"]).default("open"),
  PARVIS_FEDERATION_MODE: z.enum(["open", "allowlist"]).default("open"),
  PARVIS_MAX_STATUS_CHARS: z.coerce.number().int().min(1).max(100000).default(5000),
  PARVIS_ALLOW_PRIVATE_ADDRESS: bool.default(false),
  PARVIS_TRUST_PROXY: bool.default(false),
  PARVIS_METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  PARVIS_METRICS_LOOPBACK: bool.default(true),
  PARVIS_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).max(100000).default(30),
  // per-account limits, Mastodon's defaults (its rate_limiter.rb families)
  PARVIS_RATE_LIMIT_STATUSES: perPeriod.prefault("300/3h"),
  PARVIS_RATE_LIMIT_MEDIA: perPeriod.prefault("30/30m"),
  PARVIS_RATE_LIMIT_FOLLOWS: perPeriod.prefault("400/24h"),
  PARVIS_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  PARVIS_REALTIME_ADAPTER: z.enum(["none", "postgres", "redis"]).default("none"),
  PARVIS_PROCESS_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  PARVIS_PGLITE_SHARED_BUFFERS: z.union([z.literal("auto"), memorySize]).default("auto"),
  PARVIS_PGLITE_WORK_MEM: memorySize.default("4MB"),
  PARVIS_PGLITE_MAINTENANCE_WORK_MEM: memorySize.default("16MB"),
  PARVIS_DB_MAINTENANCE_INTERVAL: z.coerce.number().int().min(0).max(86400).default(60),
  PARVIS_MEDIA_MAX_DIMENSION: z.coerce.number().int().min(64).max(16384).default(4096),
  PARVIS_MEDIA_MAX_IMAGE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(16 * 1024 * 1024),
  PARVIS_MEDIA_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  PARVIS_SUSPENSION_GRACE_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  PARVIS_ACCOUNT_DELETION_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  PARVIS_EXPORT_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  PARVIS_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(2 * 1024 * 1024),
  PARVIS_MEDIA_STORE: z.enum(["filesystem", "s3"]).default("filesystem"),
  PARVIS_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  PARVIS_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,62}$/, "must be an S3 bucket name").optional(),
  PARVIS_S3_REGION: z.string().min(1).max(64).default("us-east-1"),
  PARVIS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PARVIS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  PARVIS_MEDIA_PROXY_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(16 * 1024 * 1024),
  PARVIS_MEDIA_CACHE_MAX_MB: z.coerce.number().int().min(0).max(10_000_000).default(1024),
  PARVIS_MEDIA_CACHE_MAX_AGE_DAYS: z.coerce.number().min(0).max(3650).default(30),
  PARVIS_MAP_TILES_URL: z
    .url({ protocol: /^https?$/ })
    .refine((v) => ["{z}", "{x}", "{y}"].every((p) => v.includes(p)), "must contain {z}, {x} and {y}")
    .optional(),
  PARVIS_MAP_TILE_CACHE_MB: z.coerce.number().int().min(0).max(1_000_000).default(512),
  PARVIS_MAP_ATTRIBUTION: z.string().min(1).max(300).default("© OpenStreetMap contributors"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  /** public host[:port] */
  domain: string;
  /** public base URL, without trailing slash */
  origin: string;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secret: string;
  commune: { name: string; inseeCode: string | undefined; description: string; contactEmail: string | undefined };
  registrationMode: "open" | "approval" | "closed";
  federationMode: "open" | "allowlist";
  maxStatusChars: number;
  allowPrivateAddress: boolean;
  trustProxy: boolean;
  /** bearer token a Prometheus scraper may present to GET /metrics */
  metricsToken: string | undefined;
  /** whether clients on this machine read /metrics without credentials (never behind a trusted proxy) */
  metricsLoopback: boolean;
  authRateLimit: number;
  /** per-account limits on posting (statuses and boosts), uploads and follows */
  rateLimits: Record<RateLimitFamily, RateLimit>;
  redisUrl: string | undefined;
  realtimeAdapter: "none" | "postgres" | "redis";
  processRole: "all" | "web" | "worker";
  /** PGlite's memory settings (ignored on PostgreSQL): see docs/admin.md */
  pglite: PgliteSettings;
  /** how often table statistics are checked (ANALYZE, and VACUUM on PGlite); 0 = never */
  dbMaintenanceIntervalMs: number;
  /** days a suspended local account is kept (and can be unsuspended) before its data is deleted */
  suspensionGraceDays: number;
  /** residents' data rights: how long an account stays deactivated before it is purged, archives kept, imported file size */
  dataRights: { deletionGraceMs: number; exportTtlMs: number; importMaxBytes: number };
  /** uploads: longest side kept (px), and the byte limits of an image and of a PDF document */
  media: {
    maxDimension: number;
    maxImageBytes: number;
    maxDocumentBytes: number;
    /** where files are kept: the data directory, or an S3-compatible bucket */
    store: MediaStoreSettings;
    /** remote media served from our origin: the largest remote file fetched, the cache's size and age limits */
    cache: { maxRemoteBytes: number; maxBytes: number; maxAgeMs: number };
  };
  /** the map: the tile server proxied at /tiles (none: the map has a plain background), its cache and credit */
  map: { tilesUrl: string | undefined; tileCacheBytes: number; attribution: string };
  logLevel: string;
}

export type MediaStoreSettings =
  | { kind: "filesystem" }
  | {
      kind: "s3";
      endpoint: string;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
    };

export interface RateLimit {
  limit: number;
  periodMs: number;
}
export type RateLimitFamily = "statuses" | "media" | "follows";
export interface PgliteSettings {
  /** a size, or "auto": the database's size at start-up + 25%, between 16MB and 128MB */
  sharedBuffers: string;
  workMem: string;
  maintenanceWorkMem: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable counts as unset.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const domain = (e.PARVIS_DOMAIN ?? `localhost:${e.PORT}`).toLowerCase();
  const isLocal = /^(localhost|127\.[0-9.]+|\[::1\])(:\d+)?$/.test(domain);
  const protocol = e.PARVIS_PROTOCOL ?? (isLocal ? "http" : "https");
  const dataDir = resolve(e.PARVIS_DATA_DIR);
  if (e.PARVIS_REALTIME_ADAPTER === "redis" && !e.PARVIS_REDIS_URL) {
    throw new ConfigError("Invalid configuration:\n  PARVIS_REDIS_URL: required when PARVIS_REALTIME_ADAPTER=redis");
  }
  if (e.PARVIS_REALTIME_ADAPTER === "postgres" && !e.DATABASE_URL) {
    throw new ConfigError("Invalid configuration:\n  DATABASE_URL: required when PARVIS_REALTIME_ADAPTER=postgres");
  }
  let store: MediaStoreSettings = { kind: "filesystem" };
  if (e.PARVIS_MEDIA_STORE === "s3") {
    const required = ["PARVIS_S3_ENDPOINT", "PARVIS_S3_BUCKET", "PARVIS_S3_ACCESS_KEY_ID", "PARVIS_S3_SECRET_ACCESS_KEY"] as const;
    const absent = required.filter((name) => !e[name]);
    if (absent.length) throw new ConfigError(`Invalid configuration:\n  ${absent.map((n) => `${n}: required when PARVIS_MEDIA_STORE=s3`).join("\n  ")}`);
    store = {
      kind: "s3",
      endpoint: e.PARVIS_S3_ENDPOINT!.replace(/\/+$/, ""),
      bucket: e.PARVIS_S3_BUCKET!,
      region: e.PARVIS_S3_REGION,
      accessKeyId: e.PARVIS_S3_ACCESS_KEY_ID!,
      secretAccessKey: e.PARVIS_S3_SECRET_ACCESS_KEY!,
    };
  }
  return {
    domain,
    origin: `${protocol}://${domain}`,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    secret: e.PARVIS_SECRET ?? persistedSecret(dataDir),
    commune: {
      name: e.PARVIS_COMMUNE_NAME,
      inseeCode: e.PARVIS_INSEE_CODE,
      description: e.PARVIS_DESCRIPTION,
      contactEmail: e.PARVIS_CONTACT_EMAIL,
    },
    registrationMode: e.PARVIS_REGISTRATION_MODE,
    federationMode: e.PARVIS_FEDERATION_MODE,
    maxStatusChars: e.PARVIS_MAX_STATUS_CHARS,
    allowPrivateAddress: e.PARVIS_ALLOW_PRIVATE_ADDRESS,
    trustProxy: e.PARVIS_TRUST_PROXY,
    metricsToken: e.PARVIS_METRICS_TOKEN,
    metricsLoopback: e.PARVIS_METRICS_LOOPBACK,
    authRateLimit: e.PARVIS_AUTH_RATE_LIMIT,
    rateLimits: { statuses: e.PARVIS_RATE_LIMIT_STATUSES, media: e.PARVIS_RATE_LIMIT_MEDIA, follows: e.PARVIS_RATE_LIMIT_FOLLOWS },
    redisUrl: e.PARVIS_REDIS_URL,
    realtimeAdapter: e.PARVIS_REALTIME_ADAPTER,
    processRole: e.PARVIS_PROCESS_ROLE,
    pglite: {
      sharedBuffers: e.PARVIS_PGLITE_SHARED_BUFFERS,
      workMem: e.PARVIS_PGLITE_WORK_MEM,
      maintenanceWorkMem: e.PARVIS_PGLITE_MAINTENANCE_WORK_MEM,
    },
    dbMaintenanceIntervalMs: e.PARVIS_DB_MAINTENANCE_INTERVAL * 1000,
    media: {
      maxDimension: e.PARVIS_MEDIA_MAX_DIMENSION,
      maxImageBytes: e.PARVIS_MEDIA_MAX_IMAGE_BYTES,
      maxDocumentBytes: e.PARVIS_MEDIA_MAX_DOCUMENT_BYTES,
      store,
      cache: {
        maxRemoteBytes: e.PARVIS_MEDIA_PROXY_MAX_BYTES,
        maxBytes: e.PARVIS_MEDIA_CACHE_MAX_MB * 1024 * 1024,
        maxAgeMs: e.PARVIS_MEDIA_CACHE_MAX_AGE_DAYS * 86_400_000,
      },
    },
    suspensionGraceDays: e.PARVIS_SUSPENSION_GRACE_DAYS,
    dataRights: {
      deletionGraceMs: e.PARVIS_ACCOUNT_DELETION_GRACE_DAYS * 86_400_000,
      exportTtlMs: e.PARVIS_EXPORT_TTL_DAYS * 86_400_000,
      importMaxBytes: e.PARVIS_IMPORT_MAX_BYTES,
    },
    map: {
      tilesUrl: e.PARVIS_MAP_TILES_URL,
      tileCacheBytes: e.PARVIS_MAP_TILE_CACHE_MB * 1024 * 1024,
      attribution: e.PARVIS_MAP_ATTRIBUTION,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** The token-signing secret, generated on first start and kept in the data dir. */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, "secret");
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value.length >= 32) return value;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(48).toString("base64url");
  writeFileSync(file, value + "\n", { mode: 0o600 });
  return value;
}
