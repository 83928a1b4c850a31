// Authorization codes of the OAuth authorization-code grant (with PKCE).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { authorizationCodes } from "../../db/schema";
import type { DomainContext } from "../context";

const CODE_TTL_MS = 10 * 60_000;

export interface CodeInput {
  appId: string;
  userId: string;
  redirectUri: string;
  scopes: string;
  codeChallenge?: string | null;
  codeChallengeMethod?: string | null;
}

export async function createAuthorizationCode(ctx: DomainContext, input: CodeInput): Promise<string> {
  const code = randomBytes(32).toString("base64url");
  await ctx.db.insert(authorizationCodes).values({
    code,
    appId: input.appId,
    userId: input.userId,
    redirectUri: input.redirectUri,
    scopes: input.scopes,
    codeChallenge: input.codeChallenge ?? null,
    codeChallengeMethod: input.codeChallengeMethod ?? null,
    expiresAt: new Date(Date.now() + CODE_TTL_MS),
  });
  return code;
}

function verifierMatches(method: string | null, challenge: string, verifier: string): boolean {
  const computed = method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  const a = Buffer.from(computed);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Uses a code once: returns what it grants, or null (unknown, expired, used, wrong app, redirect or verifier). */
export async function redeemAuthorizationCode(
  ctx: DomainContext,
  code: string,
  appId: string,
  redirectUri: string,
  codeVerifier: string | undefined,
): Promise<{ userId: string; scopes: string } | null> {
  const [row] = await ctx.db
    .update(authorizationCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(authorizationCodes.code, code), isNull(authorizationCodes.usedAt), gt(authorizationCodes.expiresAt, new Date())))
    .returning();
  if (!row || row.appId !== appId || row.redirectUri !== redirectUri) return null;
  if (row.codeChallenge) {
    if (!codeVerifier || !verifierMatches(row.codeChallengeMethod, row.codeChallenge, codeVerifier)) return null;
  }
  return { userId: row.userId, scopes: row.scopes };
}
