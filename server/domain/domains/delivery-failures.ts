// Remote inboxes our deliveries keep failing to reach (recorded by federation), for admins.
import { desc } from "drizzle-orm";
import { deliveryFailures } from "../../db/schema";
import type { DomainContext } from "../context";

export async function listDeliveryFailures(ctx: DomainContext, limit = 200) {
  return ctx.db.select().from(deliveryFailures).orderBy(desc(deliveryFailures.lastFailureAt)).limit(limit);
}
