// Parvis on Fedify: the federation object with its persistent queues, safe
// loaders and delivery guard, the dispatchers (dispatchers.ts) and the inbox
// (inbox/), wired to our database. Nothing here is a rule of the network: those live in
// server/domain; this is translation and plumbing.
import {
  createExponentialBackoffPolicy,
  createFederation,
  type Context,
  type DocumentLoader,
  type Federation,
  type RetryPolicy,
  type SendActivityError,
} from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import type { RequestHandler } from "express";
import type { Services } from "../server/services";
import { ACTIVITY_JSON_LIMITS, describeJsonLimit, exceedsJsonLimits } from "../server/json-limits";
import { paths } from "../server/urls";
import { INSTANCE_ACTOR } from "./to-activitypub/actor";
import { guardDeliveries, currentDeliveryAttempt, resolvesToPublicAddress } from "./delivery";
import { clearDeliveryFailure, markDeliveryAbandoned, recordDeliveryFailure } from "./delivery-failures";
import {
  createAuthenticatedDocumentLoaderFactory,
  createDocumentLoaderFactory,
  type SigningKey,
} from "./document-loader";
import { federationMiddleware } from "./express";
import { registerInboxListeners, reportInboxActivity } from "./inbox";
import { gateInboxPost, isInboxPost } from "./inbox-gate";
import { createKeyStore, type KeyStore } from "./keys";
import { registerDispatchers } from "./dispatchers";
import { groupRoutes } from "./group-dispatchers";
import { DbKvStore } from "./kv-store";
import { remoteTombstones } from "./tombstones";
import { DbMessageQueue, type DbMessageQueueOptions } from "./message-queue";
import { PARVIS_VERSION } from "../server/version";
import { hostPolicy, isDomainAllowed } from "./policy";
import { createSafeFetch, type SafeFetch, type SafeFetchConfig } from "./safe-fetch";
import { remoteMediaFetcher } from "./media-fetch";
import { rememberParsedKeys } from "./parsed-keys";

export interface RetryOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export interface ParvisFederationOptions {
  /** Outbox: ~2.5 days of retries by default; inbox: ~2 hours. Tests shorten them. */
  retry?: { outbox?: Partial<RetryOptions>; inbox?: Partial<RetryOptions> };
  queue?: Pick<DbMessageQueueOptions, "pollIntervalMs" | "concurrency" | "leaseMs"> & {
    /** inbox messages handled at once (default: 8 on PostgreSQL, whose pool has room for them; 4 on PGlite) */
    inboxConcurrency?: number;
  };
  /** Fedify's per-host circuit breaker for deliveries (on by default) */
  circuitBreaker?: boolean;
  fetch?: Pick<SafeFetchConfig, "timeoutMs" | "maxRedirects">;
}

export interface ParvisFederation {
  federation: Federation<Services>;
  /** mount before any body parser (createApp's extensions.federation) */
  middleware: RequestHandler;
  /** runs the inbox, outbox and fanout workers until the signal aborts (role "all" or "worker") */
  startQueue(signal: AbortSignal): Promise<void>;
  /** a Fedify context outside any request (sending activities, lookups) */
  context(): Context<Services>;
  keys: KeyStore;
  kv: DbKvStore;
  queues: { inbox: DbMessageQueue; outbox: DbMessageQueue; fanout: DbMessageQueue };
  /** the guarded fetch, for our own lookups (WebFinger, avatars…) */
  safeFetch: SafeFetch;
  /** a cached, policy-checked document loader signed by the instance actor */
  documentLoader: DocumentLoader;
  outboxRetryPolicy: RetryPolicy;
}

const DEFAULT_OUTBOX_RETRY: RetryOptions = { initialDelayMs: 10_000, maxDelayMs: 12 * 3600_000, maxAttempts: 16 };
const DEFAULT_INBOX_RETRY: RetryOptions = { initialDelayMs: 5_000, maxDelayMs: 3600_000, maxAttempts: 8 };

function retryPolicy(options: RetryOptions): RetryPolicy {
  return createExponentialBackoffPolicy({
    initialDelay: { milliseconds: options.initialDelayMs },
    maxDelay: { milliseconds: options.maxDelayMs },
    maxAttempts: options.maxAttempts,
  });
}

export function createParvisFederation(services: Services, options: ParvisFederationOptions = {}): ParvisFederation {
  rememberParsedKeys();
  const { config, db, logger } = services;
  const log = logger.child({ module: "federation" });
  const kv = new DbKvStore(db, {
    // Fedify's "already processed" marks would repeat ours, received_activities,
    // written with the effects and read before a handler runs (inbox/): not kept
    discarded: [["_fedify", "activityIdempotence"]],
    // read on every inbox POST (the sender's key, its actor document): kept in memory a little while
    memoized: [["_fedify", "publicKey"], ["_fedify", "remoteDocument"]],
  });
  // a signed Delete evicts the cached document and marks its id (inbox/delete.ts, resolve.ts)
  services.domain.tombstones = remoteTombstones(kv);
  const keys = createKeyStore(db);
  const isHostAllowed = hostPolicy(services.domain);
  const safeFetch = createSafeFetch({
    allowPrivateAddress: config.allowPrivateAddress,
    isHostAllowed,
    userAgent: `Parvis/${PARVIS_VERSION} (+${config.origin}/)`,
    ...options.fetch,
  });
  // remote images, avatars and headers are served from our origin (server/domain/media/remote-cache.ts)
  services.domain.fetchRemoteMedia = remoteMediaFetcher(safeFetch);

  const { inboxConcurrency, ...queueOptions } = { ...options.queue, logger: log };
  const queues = {
    inbox: new DbMessageQueue(db, {
      ...queueOptions,
      queue: "inbox",
      // a message queued before the inbox limits existed (or by another version) is not parsed
      admit: admitInboxMessage,
      concurrency: inboxConcurrency ?? options.queue?.concurrency ?? (services.database.kind === "postgres" ? 8 : 4),
    }),
    outbox: new DbMessageQueue(db, { ...queueOptions, queue: "outbox" }),
    fanout: new DbMessageQueue(db, { ...queueOptions, queue: "fanout" }),
  };
  const outboxRetryPolicy = retryPolicy({ ...DEFAULT_OUTBOX_RETRY, ...options.retry?.outbox });
  for (const queue of Object.values(queues)) services.metrics.watchQueue(queue.queue, async () => {
    const depth = await queue.getDepth();
    return { queued: depth.queued, ready: depth.ready ?? 0, delayed: depth.delayed ?? 0 };
  });

  // The instance actor signs our fetches (servers in "secure mode" require it).
  let federation: Federation<Services>;
  let signingKey: Promise<SigningKey | null> | undefined;
  const instanceSigner = (): Promise<SigningKey | null> => {
    signingKey ??= (async () => {
      const pairs = await federation.createContext(new URL(config.origin), services).getActorKeyPairs(INSTANCE_ACTOR);
      const rsa = pairs.find((p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5");
      return rsa ? { keyId: rsa.keyId, privateKey: rsa.privateKey } : null;
    })();
    // not cached when the database could not be read
    signingKey.catch(() => (signingKey = undefined));
    return signingKey;
  };
  const loaderOptions = { safeFetch, kv, isHostAllowed, signer: instanceSigner };
  const documentLoaderFactory = createDocumentLoaderFactory(loaderOptions, "object");

  federation = createFederation<Services>({
    kv,
    queue: {
      inbox: queues.inbox,
      outbox: guardDeliveries(queues.outbox, {
        allowInbox: async (inbox) =>
          (await isDomainAllowed(services.domain, inbox.host)) &&
          (await resolvesToPublicAddress(inbox.hostname, config.allowPrivateAddress)),
        onDelivered: (inbox) => clearDeliveryFailure(db, inbox).catch(() => {}),
        onAttempt: (outcome, seconds, retry) => {
          services.metrics.deliveries.inc({ outcome });
          services.metrics.deliveryDuration.observe({ outcome }, seconds);
          if (retry) services.metrics.deliveryRetries.inc();
        },
        logger: log,
      }),
      fanout: queues.fanout,
    },
    manuallyStartQueue: true,
    origin: config.origin,
    documentLoaderFactory,
    contextLoaderFactory: createDocumentLoaderFactory(loaderOptions, "context"),
    authenticatedDocumentLoaderFactory: createAuthenticatedDocumentLoaderFactory(loaderOptions),
    outboxRetryPolicy,
    inboxRetryPolicy: retryPolicy({ ...DEFAULT_INBOX_RETRY, ...options.retry?.inbox }),
    circuitBreaker: options.circuitBreaker === false ? false : undefined,
    onOutboxError: async (error, activity) => {
      const attempt = currentDeliveryAttempt();
      log.warn({ err: error, activity: activity?.id?.href, inbox: attempt?.inbox.href }, "delivery failed");
      if (!attempt) return;
      attempt.failed = true;
      const elapsedTime = Temporal.Instant.from(attempt.started).until(Temporal.Now.instant());
      const givingUp = outboxRetryPolicy({ elapsedTime: elapsedTime as never, attempts: attempt.attempt }) === null;
      // a 404/410 is counted by the permanent-failure handler below
      const permanent = typeof (error as Partial<SendActivityError>).statusCode === "number" && [404, 410].includes((error as SendActivityError).statusCode);
      if (givingUp && !permanent) services.metrics.deliveries.inc({ outcome: "abandoned" });
      await recordDeliveryFailure(db, attempt.inbox, error, givingUp);
    },
  });

  federation.setOutboxPermanentFailureHandler(async (_ctx, values) => {
    log.warn({ inbox: values.inbox.href, status: values.statusCode }, "inbox gone; delivery abandoned");
    services.metrics.deliveries.inc({ outcome: "abandoned" });
    await markDeliveryAbandoned(db, values.inbox, values.error as SendActivityError);
  });

  registerDispatchers(federation, services, keys);
  registerInboxListeners(
    federation
      .setInboxListeners(`${paths.actor("{identifier}")}/inbox` as `${string}{identifier}${string}`, "/inbox")
      .withIdempotency("global")
      // shared-inbox handlers fetch with the instance actor's signature
      .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR }))
      .onError((_ctx, error) => {
        log.error({ err: error }, "inbox listener failed");
      })
      // answered 401 by Fedify; logged and counted like the others
      .onUnverifiedActivity((_ctx, activity, reason) => {
        reportInboxActivity(services, activity, "refused", { reason: `signature not verified (${reason.type})` });
      }),
  );

  // our groups' actors, collections and WebFinger (group-dispatchers.ts)
  const serveGroups = groupRoutes(services, keys, () => federation.createContext(new URL(config.origin), services).contextLoader);
  const middleware = federationMiddleware(federation, {
    origin: config.origin,
    contextData: () => services,
    // unsigned, too deep or too large: refused before Fedify parses anything
    guard: async (request) => (await gateInboxPost(request)) ?? (await refuseBlockedSenders(request, isHostAllowed)) ?? serveGroups(request),
  });

  return {
    federation,
    middleware,
    startQueue: (signal) => federation.startQueue(services, { signal }),
    context: () => federation.createContext(new URL(config.origin), services),
    keys,
    kv,
    queues,
    safeFetch,
    documentLoader: documentLoaderFactory(),
    outboxRetryPolicy,
  };
}

/** Queued inbox messages hold the activity as received: the same limits as the inbox POST. */
function admitInboxMessage(message: unknown): string | null {
  const fields = message && typeof message === "object" ? (message as { activity?: unknown; normalizedActivity?: unknown }) : {};
  for (const json of [fields.activity, fields.normalizedActivity]) {
    const exceeded = json === undefined ? null : exceedsJsonLimits(json, ACTIVITY_JSON_LIMITS);
    if (exceeded) return describeJsonLimit(exceeded, ACTIVITY_JSON_LIMITS);
  }
  return null;
}

/**
 * Refuses inbox POSTs signed by a key on a domain we do not federate with,
 * before Fedify fetches anything from it.
 */
async function refuseBlockedSenders(request: Request, isHostAllowed: (host: string) => Promise<boolean>): Promise<Response | null> {
  if (!isInboxPost(request)) return null;
  const keyId =
    request.headers.get("signature")?.match(/keyId="([^"]+)"/i)?.[1] ??
    request.headers.get("signature-input")?.match(/keyid="([^"]+)"/i)?.[1];
  if (!keyId) return null;
  let host: string;
  try {
    host = new URL(keyId).host;
  } catch {
    return null;
  }
  if (await isHostAllowed(host)) return null;
  return Response.json({ error: "Federation with this domain is not allowed" }, { status: 403 });
}
