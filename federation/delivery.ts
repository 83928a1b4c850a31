// The last gate before Fedify sends an activity to a remote inbox. Fedify
// posts with the global fetch, which checks neither our domain policy nor
// private addresses, so every queued outbox message passes here first; and
// the outcome of each attempt is recorded for admins (delivery_failures).
import { AsyncLocalStorage } from "node:async_hooks";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type { Logger } from "../server/logger";
import { isPublicAddress } from "./addresses";

/** The outbox message being handled, visible to Fedify's onOutboxError through async context. */
export interface DeliveryAttempt {
  inbox: URL;
  attempt: number;
  started: string;
  /** set when the attempt did not deliver (error reported, or the message was queued again) */
  failed: boolean;
  /** the same check as for the inbox, for every URL Fedify fetches during the attempt (redirect hops) */
  allowUrl: (url: URL) => Promise<boolean>;
}

const currentAttempt = new AsyncLocalStorage<DeliveryAttempt>();

export function currentDeliveryAttempt(): DeliveryAttempt | undefined {
  return currentAttempt.getStore();
}

export interface DeliveryGuardOptions {
  /** domain policy + address check; false drops the message */
  allowInbox(inbox: URL): Promise<boolean>;
  onDelivered?(inbox: URL): Promise<void>;
  /** every attempt's outcome, its duration and whether it was a retry (metrics) */
  onAttempt?(outcome: "delivered" | "failed" | "refused", seconds: number, retry: boolean): void;
  logger?: Pick<Logger, "warn" | "info">;
}

interface OutboxMessageShape {
  type: "outbox";
  inbox: string;
  attempt: number;
  started: string;
}

function isOutboxMessage(message: unknown): message is OutboxMessageShape {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "outbox";
}

/** Wraps the outbox queue: checks each delivery before Fedify sends it, and tracks its outcome. */
export function guardDeliveries(inner: MessageQueue, options: DeliveryGuardOptions): MessageQueue {
  const markRequeued = () => {
    // Fedify queues the message again (retry, or held by its circuit breaker): not delivered.
    const attempt = currentAttempt.getStore();
    if (attempt) attempt.failed = true;
  };
  return {
    nativeRetrial: inner.nativeRetrial,
    async enqueue(message: unknown, enqueueOptions?: MessageQueueEnqueueOptions) {
      markRequeued();
      await inner.enqueue(message, enqueueOptions);
    },
    async enqueueMany(messages: readonly unknown[], enqueueOptions?: MessageQueueEnqueueOptions) {
      markRequeued();
      if (inner.enqueueMany) await inner.enqueueMany(messages, enqueueOptions);
      else for (const m of messages) await inner.enqueue(m, enqueueOptions);
    },
    getDepth: inner.getDepth?.bind(inner),
    listen(handler: (message: any) => Promise<void> | void, listenOptions?: MessageQueueListenOptions) {
      return inner.listen(async (message: unknown) => {
        if (!isOutboxMessage(message)) return handler(message);
        const inbox = new URL(message.inbox);
        const started = performance.now();
        const retry = message.attempt > 0;
        if (!(await options.allowInbox(inbox))) {
          options.logger?.warn({ inbox: inbox.href }, "delivery refused by policy or address check; dropped");
          options.onAttempt?.("refused", (performance.now() - started) / 1000, retry);
          return;
        }
        installFetchGuard();
        const attempt: DeliveryAttempt = {
          inbox,
          attempt: message.attempt,
          started: message.started,
          failed: false,
          allowUrl: options.allowInbox,
        };
        try {
          await currentAttempt.run(attempt, () => handler(message));
        } catch (error) {
          attempt.failed = true;
          throw error;
        } finally {
          options.onAttempt?.(attempt.failed ? "failed" : "delivered", (performance.now() - started) / 1000, retry);
        }
        if (!attempt.failed) await options.onDelivered?.(inbox);
      }, listenOptions);
    },
  };
}

/** True when every address of the host is public (or private ones are allowed). */
export async function resolvesToPublicAddress(hostname: string, allowPrivateAddress: boolean): Promise<boolean> {
  if (allowPrivateAddress) return true;
  const bare = hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare) !== 0) return isPublicAddress(bare);
  try {
    const addresses = await lookup(bare, { all: true });
    return addresses.length > 0 && addresses.every((a) => isPublicAddress(a.address));
  } catch {
    // unresolvable now: let Fedify try, fail and retry later
    return true;
  }
}

let fetchGuardInstalled = false;

/**
 * Fedify posts deliveries with the global fetch and follows their redirects
 * itself, one fetch per hop, without checking where they lead. While a
 * delivery attempt runs (async context), each hop gets the inbox check, so a
 * remote inbox cannot bounce our signed POST to a private address or a blocked
 * domain. Outside a delivery, fetch is untouched.
 */
function installFetchGuard(): void {
  if (fetchGuardInstalled) return;
  fetchGuardInstalled = true;
  const original = globalThis.fetch;
  globalThis.fetch = async function deliveryGuardedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const attempt = currentAttempt.getStore();
    if (attempt) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`Refused delivery to ${url.protocol} URL`);
      if (url.href !== attempt.inbox.href && !(await attempt.allowUrl(url))) {
        throw new TypeError(`Refused delivery redirect to ${url.host}`);
      }
    }
    return original(input, init);
  };
}
