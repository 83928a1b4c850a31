// Prometheus metrics of one instance (served on GET /metrics, server/api/metrics.ts).
// One registry per instance, not prom-client's global one: tests run several
// instances in one process. Labels are bounded sets (activity types, outcomes,
// route patterns, status classes): never raw URLs, ids or actors.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type InboxOutcome = "stored" | "duplicate" | "ignored" | "refused" | "failed";
export type DeliveryOutcome = "delivered" | "failed" | "refused" | "abandoned";

export interface QueueDepth {
  queued: number;
  ready: number;
  delayed: number;
}

export interface Metrics {
  registry: Registry;
  inboxActivities: Counter<"type" | "outcome">;
  inboxDuration: Histogram<"type" | "outcome">;
  deliveries: Counter<"outcome">;
  deliveryRetries: Counter;
  deliveryDuration: Histogram<"outcome">;
  httpRequests: Counter<"method" | "route" | "status_class">;
  httpDuration: Histogram<"method" | "route" | "status_class">;
  /** reports the depth of a queue at each scrape */
  watchQueue(queue: string, depth: () => Promise<QueueDepth>): void;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: "parvis_process_" });
  const queues = new Map<string, () => Promise<QueueDepth>>();
  new Gauge({
    name: "parvis_queue_messages",
    help: "Messages waiting in a federation queue (leased ones excluded), by queue and state (ready, delayed)",
    labelNames: ["queue", "state"] as const,
    registers,
    async collect() {
      this.reset();
      for (const [queue, depth] of queues) {
        try {
          const d = await depth();
          this.set({ queue, state: "ready" }, d.ready);
          this.set({ queue, state: "delayed" }, d.delayed);
        } catch {
          // database unreachable: the queue is left out of this scrape
        }
      }
    },
  });
  return {
    registry,
    inboxActivities: new Counter({
      name: "parvis_inbox_activities_total",
      help: "Incoming activities handled by the inbox workers, by type and outcome",
      labelNames: ["type", "outcome"] as const,
      registers,
    }),
    inboxDuration: new Histogram({
      name: "parvis_inbox_activity_duration_seconds",
      help: "Time the inbox worker spent on an activity (checks, fetches, effects)",
      labelNames: ["type", "outcome"] as const,
      buckets: SECONDS,
      registers,
    }),
    deliveries: new Counter({
      name: "parvis_deliveries_total",
      help: "Delivery attempts to remote inboxes, by outcome (abandoned: given up for good)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    deliveryRetries: new Counter({
      name: "parvis_delivery_retries_total",
      help: "Delivery attempts that were retries of an earlier failed attempt",
      registers,
    }),
    deliveryDuration: new Histogram({
      name: "parvis_delivery_duration_seconds",
      help: "Time of one delivery attempt",
      labelNames: ["outcome"] as const,
      buckets: SECONDS,
      registers,
    }),
    httpRequests: new Counter({
      name: "parvis_http_requests_total",
      help: "HTTP requests answered, by route pattern, method and status class",
      labelNames: ["method", "route", "status_class"] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: "parvis_http_request_duration_seconds",
      help: "HTTP response time, by route pattern, method and status class",
      labelNames: ["method", "route", "status_class"] as const,
      buckets: SECONDS,
      registers,
    }),
    watchQueue(queue, depth) {
      queues.set(queue, depth);
    },
  };
}

/** Seconds elapsed since `start` (a performance.now() value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
