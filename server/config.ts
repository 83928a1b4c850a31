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
  PARVIS_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).max(100000).default(30),
  PARVIS_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  PARVIS_REALTIME_ADAPTER: z.enum(["none", "postgres", "redis"]).default("none"),
  PARVIS_PROCESS_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  PARVIS_MEDIA_MAX_DIMENSION: z.coerce.number().int().min(64).max(16384).default(4096),
  PARVIS_MEDIA_MAX_IMAGE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(16 * 1024 * 1024),
  PARVIS_MEDIA_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
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
  authRateLimit: number;
  redisUrl: string | undefined;
  realtimeAdapter: "none" | "postgres" | "redis";
  processRole: "all" | "web" | "worker";
  /** uploads: longest side kept (px), and the byte limits of an image and of a PDF document */
  media: { maxDimension: number; maxImageBytes: number; maxDocumentBytes: number };
  logLevel: string;
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
    authRateLimit: e.PARVIS_AUTH_RATE_LIMIT,
    redisUrl: e.PARVIS_REDIS_URL,
    realtimeAdapter: e.PARVIS_REALTIME_ADAPTER,
    processRole: e.PARVIS_PROCESS_ROLE,
    media: {
      maxDimension: e.PARVIS_MEDIA_MAX_DIMENSION,
      maxImageBytes: e.PARVIS_MEDIA_MAX_IMAGE_BYTES,
      maxDocumentBytes: e.PARVIS_MEDIA_MAX_DOCUMENT_BYTES,
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
