// Access tokens are JWTs that carry the id of a stored token row, so that
// revocation, suspension and pending approval take effect on the next request.
import { randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";
import { and, eq, isNull, sql } from "drizzle-orm";
import { accessTokens, accounts, users } from "../db/schema";
import type { DbOrTx } from "../db/open";
import { prepared } from "../db/prepared";
import { isId, newId } from "../ids";
import type { DomainContext } from "../domain/context";
import type { Account, User } from "../domain/accounts";
import { expandScopes, WEB_CLIENT_SCOPES } from "./scopes";

export { expandScopes, hasScope } from "./scopes";

export type AccessToken = typeof accessTokens.$inferSelect;

export interface AuthInfo {
  user: User;
  account: Account;
  token: AccessToken;
  scopes: Set<string>;
}

/** A token an app obtained for itself (client_credentials): it may register accounts, nothing personal. */
export interface AppAuthInfo {
  token: AccessToken;
  appId: string;
  scopes: Set<string>;
}

export interface IssueInput {
  userId: string | null;
  appId?: string | null;
  scopes?: string;
  kind?: "api" | "web";
  userAgent?: string | null;
  ip?: string | null;
}

export interface Issued {
  accessToken: string;
  row: AccessToken;
}

const ISSUER = "parvis";

export async function issueToken(ctx: DomainContext, input: IssueInput): Promise<Issued> {
  const [row] = await ctx.db
    .insert(accessTokens)
    .values({
      id: newId(),
      userId: input.userId,
      appId: input.appId ?? null,
      scopes: input.scopes ?? "read write follow push",
      kind: input.kind ?? "api",
      userAgent: input.userAgent?.slice(0, 500) ?? null,
      ip: input.ip ?? null,
    })
    .returning();
  const accessToken = jwt.sign({ sub: input.userId ?? "", jti: row.id, n: randomBytes(6).toString("base64url") }, ctx.config.secret, {
    algorithm: "HS256",
    issuer: ISSUER,
  });
  return { accessToken, row };
}

/**
 * Another bearer string for an existing token row (same grant, same scopes,
 * revoked with it): what a Web Push payload carries as `access_token`, since
 * the string first given to the app is never stored.
 */
export function reissueTokenString(ctx: DomainContext, row: Pick<AccessToken, "id" | "userId">): string {
  return jwt.sign({ sub: row.userId ?? "", jti: row.id, n: randomBytes(6).toString("base64url") }, ctx.config.secret, {
    algorithm: "HS256",
    issuer: ISSUER,
  });
}

// run on every authenticated request: prepared once per database handle
const appTokenQuery = (db: DbOrTx) =>
  prepared(db, "auth_app_token", (d) =>
    d
      .select()
      .from(accessTokens)
      .where(and(eq(accessTokens.id, sql.placeholder("id")), isNull(accessTokens.revokedAt), isNull(accessTokens.userId)))
      .prepare("auth_app_token"),
  );

const userTokenQuery = (db: DbOrTx) =>
  prepared(db, "auth_user_token", (d) =>
    d
      .select({ token: accessTokens, user: users, account: accounts })
      .from(accessTokens)
      .innerJoin(users, eq(users.id, accessTokens.userId))
      .innerJoin(accounts, eq(accounts.id, users.accountId))
      .where(and(eq(accessTokens.id, sql.placeholder("id")), isNull(accessTokens.revokedAt)))
      .limit(1)
      .prepare("auth_user_token"),
  );

/** Checks a token: valid signature, stored row not revoked, user approved and enabled, account not suspended. */
export async function verifyToken(ctx: DomainContext, token: string): Promise<AuthInfo | AppAuthInfo | null> {
  let payload: jwt.JwtPayload;
  try {
    const decoded = jwt.verify(token, ctx.config.secret, { algorithms: ["HS256"], issuer: ISSUER });
    if (typeof decoded === "string") return null;
    payload = decoded;
  } catch {
    return null;
  }
  if (typeof payload.jti !== "string" || !isId(payload.jti)) return null;
  if (payload.sub === undefined || payload.sub === null || payload.sub === "") {
    const [row] = await appTokenQuery(ctx.db).execute({ id: payload.jti });
    if (!row || !row.appId) return null;
    return { token: row, appId: row.appId, scopes: expandScopes(row.scopes) };
  }
  const [found] = await userTokenQuery(ctx.db).execute({ id: payload.jti });
  if (!found || found.user.id !== payload.sub) return null;
  if (!found.user.approved || found.user.disabledAt || found.account.suspendedAt) return null;
  const now = Date.now();
  if (!found.token.lastUsedAt || now - found.token.lastUsedAt.getTime() > 5 * 60_000) {
    await ctx.db.update(accessTokens).set({ lastUsedAt: new Date(now) }).where(eq(accessTokens.id, found.token.id));
  }
  // the web client's cookie session can do whatever the resident's role allows
  return { ...found, scopes: expandScopes(found.token.kind === "web" ? WEB_CLIENT_SCOPES : found.token.scopes) };
}

export function isUserAuth(info: AuthInfo | AppAuthInfo | null): info is AuthInfo {
  return info !== null && "user" in info;
}

/** Revokes one token; open streams authenticated by it are closed ("tokens.revoked"). */
export async function revokeToken(ctx: DomainContext, tokenId: string): Promise<void> {
  const rows = await ctx.db
    .update(accessTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessTokens.id, tokenId), isNull(accessTokens.revokedAt)))
    .returning({ id: accessTokens.id, userId: accessTokens.userId });
  const row = rows[0];
  if (row?.userId) ctx.events.emit("tokens.revoked", { userId: row.userId, tokenIds: [row.id] });
}

/** Reads the token id out of a JWT whose signature is ours, without checking its row. */
export function tokenIdOf(ctx: DomainContext, token: string): string | null {
  try {
    const decoded = jwt.verify(token, ctx.config.secret, { algorithms: ["HS256"], issuer: ISSUER });
    return typeof decoded !== "string" && typeof decoded.jti === "string" ? decoded.jti : null;
  } catch {
    return null;
  }
}
