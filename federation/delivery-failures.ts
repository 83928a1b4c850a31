// Remote inboxes that keep failing, for admins (table delivery_failures).
// A failure is counted on each failed attempt; "abandoned" once Fedify gives
// up (retries exhausted, or a permanent 404/410); a success clears the row.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../server/db/open";
import { deliveryFailures } from "../server/db/schema";

const MAX_ERROR_CHARS = 500;

export async function recordDeliveryFailure(db: Db, inbox: URL, error: unknown, abandoned: boolean): Promise<void> {
  const lastError = describe(error);
  const now = new Date();
  await db
    .insert(deliveryFailures)
    .values({
      inboxUrl: inbox.href,
      domain: inbox.host,
      failures: 1,
      firstFailureAt: now,
      lastFailureAt: now,
      lastError,
      abandonedAt: abandoned ? now : null,
    })
    .onConflictDoUpdate({
      target: deliveryFailures.inboxUrl,
      set: {
        failures: sql`${deliveryFailures.failures} + 1`,
        lastFailureAt: now,
        lastError,
        abandonedAt: abandoned ? now : sql`${deliveryFailures.abandonedAt}`,
      },
    });
}

export async function markDeliveryAbandoned(db: Db, inbox: URL, error: unknown): Promise<void> {
  const now = new Date();
  await db
    .insert(deliveryFailures)
    .values({ inboxUrl: inbox.href, domain: inbox.host, failures: 1, lastError: describe(error), abandonedAt: now })
    .onConflictDoUpdate({ target: deliveryFailures.inboxUrl, set: { abandonedAt: now, lastError: describe(error) } });
}

export async function clearDeliveryFailure(db: Db, inbox: URL): Promise<void> {
  await db.delete(deliveryFailures).where(eq(deliveryFailures.inboxUrl, inbox.href));
}

export async function listDeliveryFailures(db: Db) {
  return db.select().from(deliveryFailures).orderBy(sql`${deliveryFailures.lastFailureAt} desc`);
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}
