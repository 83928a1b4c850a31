// A resident's sign-ins (web sessions and app tokens), and password changes.
import { and, desc, eq, isNull, ne } from "drizzle-orm";
import { accessTokens, apps, users } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { hashPassword, verifyPassword } from "../accounts/passwords";
import type { DomainContext } from "../context";

/** How long the web client's session cookie lasts (also stated on the privacy page). */
export const WEB_SESSION_DAYS = 30;

export async function listSessions(ctx: DomainContext, userId: string) {
  return ctx.db
    .select({ token: accessTokens, appName: apps.name })
    .from(accessTokens)
    .leftJoin(apps, eq(apps.id, accessTokens.appId))
    .where(and(eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
    .orderBy(desc(accessTokens.id))
    .limit(200);
}

export async function revokeSession(ctx: DomainContext, userId: string, tokenId: string): Promise<void> {
  const rows = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.id, tokenId), eq(accessTokens.userId, userId), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id });
  if (rows.length === 0) throw new NotFound();
  ctx.events.emit("tokens.revoked", { userId, tokenIds: [tokenId] });
}

/** Changes the password and signs out every other session. */
export async function changePassword(ctx: DomainContext, userId: string, keepTokenId: string, current: string, next: string): Promise<void> {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new NotFound();
  if (!(await verifyPassword(user.passwordHash, current))) throw new Invalid("Current password is incorrect", { current_password: "ERR_INVALID" });
  if (next.length < 8 || next.length > 256) throw new Invalid("Password must be 8 to 256 characters", { new_password: "ERR_TOO_SHORT" });
  await ctx.db.update(users).set({ passwordHash: await hashPassword(next) }).where(eq(users.id, userId));
  const revoked = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.userId, userId), ne(accessTokens.id, keepTokenId), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id });
  if (revoked.length > 0) ctx.events.emit("tokens.revoked", { userId, tokenIds: revoked.map((r) => r.id) });
}
