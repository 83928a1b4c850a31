// "The same activity twice, or via a personal and the shared inbox, has one
// effect" — kept in the database (processed_activities), not only in a cache.
// The mark and the effects share one transaction: if the effects fail, the
// mark is rolled back and Fedify's retry can process the activity again.
import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "../../server/db/open";

/**
 * Runs `effects` unless the activity was processed before. Returns false for
 * a duplicate. An activity without an id (transient) cannot be deduplicated and always runs.
 */
export async function processOnce(db: Db, activityId: URL | null, effects: (tx: DbOrTx) => Promise<void>): Promise<boolean> {
  if (!activityId) {
    await effects(db);
    return true;
  }
  return db.transaction(async (tx) => {
    const result = (await tx.execute(
      sql`insert into processed_activities (uri) values (${activityId.href}) on conflict (uri) do nothing returning uri`,
    )) as unknown as { rows: unknown[] };
    if (result.rows.length === 0) return false;
    await effects(tx);
    return true;
  });
}

/** How long an activity id is remembered: far longer than any sender keeps retrying. */
export const PROCESSED_RETENTION_DAYS = 30;

/** Forgets activity ids older than the retention, so the table does not grow forever. */
export async function pruneProcessedActivities(db: Db, days = PROCESSED_RETENTION_DAYS): Promise<number> {
  const result = (await db.execute(
    sql`delete from processed_activities where received_at < now() - make_interval(days => ${days}) returning uri`,
  )) as unknown as { rows: unknown[] };
  return result.rows.length;
}
