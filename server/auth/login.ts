// The password check, as a passport-local strategy: username or email, and the
// same answer whether the account exists or not.
import { eq, sql } from "drizzle-orm";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import { accounts, users } from "../db/schema";
import { type Account, type User } from "../domain/accounts";
import { DeletionPending } from "../domain/account-deletion";
import type { DomainContext } from "../domain/context";
import { Forbidden } from "../errors";
import { verifyDummy, verifyPassword } from "../domain/accounts";

export interface LoginResult {
  user: User;
  account: Account;
}

/**
 * The resident a login names: "alice", "@alice", "alice@this.domain", "@alice@this.domain"
 * or the email address, whatever the case.
 */
export async function findLogin(ctx: DomainContext, login: string): Promise<LoginResult | undefined> {
  const name = login.trim().replace(/^@/, "").toLowerCase();
  const byUsername = (username: string) =>
    ctx.db
      .select({ user: users, account: accounts })
      .from(users)
      .innerJoin(accounts, eq(accounts.id, users.accountId))
      .where(sql`lower(${accounts.username}) = ${username}`)
      .limit(1);
  if (!name.includes("@")) return (await byUsername(name))[0];
  const [byEmail] = await ctx.db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(sql`lower(${users.email}) = ${name}`)
    .limit(1);
  if (byEmail) return byEmail;
  const suffix = `@${ctx.config.domain.toLowerCase()}`;
  return name.endsWith(suffix) ? (await byUsername(name.slice(0, -suffix.length)))[0] : undefined;
}

/**
 * What failed logins are counted against: the account, however it was named (so
 * "@alice", her email and "alice@domain" share one budget), or the name itself
 * when it names nobody (so the lock reveals nothing).
 */
export async function lockoutKey(ctx: DomainContext, login: string): Promise<string> {
  const found = await findLogin(ctx, login);
  return found ? `account:${found.account.id}` : `name:${login.trim().replace(/^@/, "").toLowerCase()}`;
}

export async function checkPassword(ctx: DomainContext, login: string, password: string): Promise<LoginResult | null> {
  const row = await findLogin(ctx, login);
  if (!row) return verifyDummy(password).then(() => null);
  if (!(await verifyPassword(row.user.passwordHash, password))) return null;
  return row;
}

/** Throws when a correct password belongs to an account that may not log in (yet). */
export function assertMayLogIn(result: LoginResult): void {
  if (!result.user.approved) throw new Forbidden("Your account is pending approval");
  if (result.user.disabledAt) throw new Forbidden("Your login is currently disabled");
  // before the suspension check: a deactivated account waiting for deletion looks suspended
  if (result.user.deletionDueAt) throw new DeletionPending(result.user.deletionDueAt);
  if (result.account.suspendedAt) throw new Forbidden("Your account is suspended");
}

/** A passport instance with the "local" strategy, for the OAuth password grant and the web session. */
export function passwordAuthenticator(ctx: DomainContext): passport.PassportStatic {
  const authenticator = new passport.Passport() as unknown as passport.PassportStatic;
  authenticator.use(
    new LocalStrategy({ usernameField: "username", passwordField: "password", session: false }, (username, password, done) => {
      checkPassword(ctx, username, password).then(
        (result) => done(null, result ?? false),
        (err) => done(err),
      );
    }),
  );
  return authenticator;
}

/** Runs the local strategy on a request whose body has username and password. */
export function authenticatePassword(
  authenticator: passport.PassportStatic,
  req: import("express").Request,
  res: import("express").Response,
): Promise<LoginResult | null> {
  return new Promise((resolve, reject) => {
    authenticator.authenticate("local", { session: false }, (err: unknown, result: LoginResult | false) => {
      if (err) reject(err);
      else resolve(result || null);
    })(req, res, () => {});
  });
}
