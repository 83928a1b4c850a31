// The password check, as a passport-local strategy: username or email, and the
// same answer whether the account exists or not.
import { eq, sql } from "drizzle-orm";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import { accounts, users } from "../db/schema";
import type { Account, User } from "../domain/accounts";
import type { DomainContext } from "../domain/context";
import { Forbidden } from "../errors";
import { verifyDummy, verifyPassword } from "./passwords";

export interface LoginResult {
  user: User;
  account: Account;
}

export async function checkPassword(ctx: DomainContext, login: string, password: string): Promise<LoginResult | null> {
  const name = login.trim().replace(/^@/, "");
  const isEmail = name.includes("@");
  const [row] = await ctx.db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(isEmail ? sql`lower(${users.email}) = ${name.toLowerCase()}` : sql`lower(${accounts.username}) = ${name.toLowerCase()}`)
    .limit(1);
  if (!row) return verifyDummy(password).then(() => null);
  if (!(await verifyPassword(row.user.passwordHash, password))) return null;
  return row;
}

/** Throws when a correct password belongs to an account that may not log in (yet). */
export function assertMayLogIn(result: LoginResult): void {
  if (!result.user.approved) throw new Forbidden("Your account is pending approval");
  if (result.user.disabledAt) throw new Forbidden("Your login is currently disabled");
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
