// Local residents and the accounts they see: registration, profiles, lookups.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { accounts, users, type ProfileField, type Role } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import { localActorAddresses, localUrls } from "../../urls";
import { hashPassword } from "./passwords";
import { residentUsersExist } from "./instance-account";
import type { DomainContext } from "../context";
import { writeAndPublish } from "../event-journal";
import { renderPlainText } from "../content/text";
import { stripHtml } from "../content/sanitize";
import { getSettings } from "../instance/settings";

export type Account = typeof accounts.$inferSelect;
export type User = typeof users.$inferSelect;

export const USERNAME_PATTERN = /^[a-z0-9_]{1,30}$/i;

/** Names nobody may register: they would be confusing, or are taken by the instance itself. */
export const RESERVED_USERNAMES = new Set([
  "admin", "administrator", "root", "support", "help", "moderator", "moderators", "mod", "mods",
  "system", "instance", "instance_actor", "observatoire", "actor", "parvis", "mairie", "maire", "security", "abuse",
  "postmaster", "hostmaster", "webmaster", "www", "api", "oauth", "inbox", "outbox", "users", "about",
  "settings", "staff", "null", "undefined", "nobody", "everyone", "all",
]);

/** Names the instance itself answers to (its actor, its routes): never an account. */
const SYSTEM_USERNAMES = new Set(["instance", "instance_actor", "observatoire", "actor", "parvis", "inbox", "outbox", "users", "api", "oauth", "null", "undefined"]);

export interface RegisterInput {
  username: string;
  password: string;
  email?: string | null;
  locale?: string;
  reason?: string | null;
  /** bypasses the registration mode (admin CLI, first account) */
  force?: boolean;
  role?: Role;
  /** the resident accepted the charter and rules: the digest of the version they were shown (charterDigest) */
  agreementDigest?: string;
}

export interface Registered {
  account: Account;
  user: User;
}

export async function registerAccount(ctx: DomainContext, input: RegisterInput): Promise<Registered> {
  const username = input.username;
  if (!USERNAME_PATTERN.test(username)) {
    throw new Invalid("Username must be 1 to 30 letters, digits or underscores", { username: "ERR_INVALID" });
  }
  // the admin CLI may create e.g. @mairie; names the instance itself uses stay out of reach
  if (RESERVED_USERNAMES.has(username.toLowerCase()) && (!input.force || SYSTEM_USERNAMES.has(username.toLowerCase()))) {
    throw new Invalid("Username is reserved", { username: "ERR_RESERVED" });
  }
  if (input.password.length < 8 || input.password.length > 256) {
    throw new Invalid("Password must be 8 to 256 characters", { password: "ERR_TOO_SHORT" });
  }
  const settings = await getSettings(ctx);
  // an early answer for the usual case; the decisive check runs under the lock below
  const seemsFirst = !(await residentUsersExist(ctx.db));
  checkRegistrationMode(input, settings.registrationMode, seemsFirst);
  if (await findLocalAccount(ctx, username)) {
    throw new Invalid("Username is already taken", { username: "ERR_TAKEN" });
  }
  if (input.email) {
    const taken = await ctx.db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${input.email.toLowerCase()}`)
      .limit(1);
    if (taken.length > 0) throw new Invalid("Email is already taken", { email: "ERR_TAKEN" });
  }
  const passwordHash = await hashPassword(input.password);
  const accountId = newId();
  try {
    return await ctx.db.transaction(async (tx) => {
      // "the first account is the admin" must hold when several register at the same
      // moment: registrations take turns on this lock until their transaction ends,
      // so each one sees whether a user was committed before it
      await tx.execute(sql`select pg_advisory_xact_lock(${REGISTRATION_LOCK})`);
      const isFirst = !(await residentUsersExist(tx));
      checkRegistrationMode(input, settings.registrationMode, isFirst);
      const role: Role = input.role ?? (isFirst ? "admin" : "resident");
      const approved = input.force || isFirst || settings.registrationMode !== "approval";
      const [account] = await tx
        .insert(accounts)
        .values({
          id: accountId,
          username,
          domain: null,
          ...localActorAddresses(ctx.config.origin, username),
        })
        .returning();
      const [user] = await tx
        .insert(users)
        .values({
          id: newId(),
          accountId,
          email: input.email ?? null,
          passwordHash,
          role,
          locale: input.locale ?? "fr",
          approved,
          registrationReason: input.reason ?? null,
          agreementAcceptedAt: input.agreementDigest ? new Date() : null,
          agreementDigest: input.agreementDigest ?? null,
        })
        .returning();
      return { account, user };
    });
  } catch (e) {
    // two registrations racing for the same name: the unique index decides, with
    // the same 422 as the check above (Mastodon's "has already been taken")
    if (isUniqueViolation(e)) throw new Invalid("Username or email is already taken", { username: "ERR_TAKEN" });
    throw e;
  }
}

/** Key of the advisory lock registrations take (any constant bigint; this one spells "parvis-r"). */
const REGISTRATION_LOCK = 0x7061727669732d72n.toString();

function checkRegistrationMode(input: RegisterInput, mode: "open" | "approval" | "closed", isFirst: boolean): void {
  if (!input.force && !isFirst && mode === "closed") {
    throw new Invalid("Registrations are closed on this instance");
  }
  if (!input.force && !isFirst && mode === "approval" && !input.reason?.trim()) {
    throw new Invalid("A reason is required: registrations on this instance are reviewed", { reason: "ERR_BLANK" });
  }
}

export function isUniqueViolation(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    if ((cur as { code?: string }).code === "23505") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

export async function findLocalAccount(ctx: DomainContext, username: string): Promise<Account | undefined> {
  const [row] = await ctx.db
    .select()
    .from(accounts)
    .where(and(sql`lower(${accounts.username}) = ${username.toLowerCase()}`, isNull(accounts.domain)))
    .limit(1);
  return row;
}

export async function findAccountByAcct(ctx: DomainContext, acct: string): Promise<Account | undefined> {
  const clean = acct.replace(/^@/, "");
  const [username, ...rest] = clean.split("@");
  const domain = rest.join("@").toLowerCase();
  if (!username) return undefined;
  if (!domain || domain === ctx.config.domain) return findLocalAccount(ctx, username);
  const [row] = await ctx.db
    .select()
    .from(accounts)
    .where(and(sql`lower(${accounts.username}) = ${username.toLowerCase()}`, eq(accounts.domain, domain)))
    .limit(1);
  return row;
}

export async function getAccount(ctx: DomainContext, id: string): Promise<Account> {
  const [row] = await ctx.db.select().from(accounts).where(eq(accounts.id, id)).limit(1);
  if (!row) throw new NotFound();
  return row;
}

/** An account anyone may see: suspended ones are hidden. */
export async function getVisibleAccount(ctx: DomainContext, id: string): Promise<Account> {
  const row = await getAccount(ctx, id);
  if (row.suspendedAt) throw new NotFound();
  // as Mastodon: a local registration waiting for approval does not exist for others yet
  if (row.domain === null && (await getUserByAccountId(ctx, row.id))?.approved === false) throw new NotFound();
  return row;
}

export async function getUserByAccountId(ctx: DomainContext, accountId: string): Promise<User | undefined> {
  const [row] = await ctx.db.select().from(users).where(eq(users.accountId, accountId)).limit(1);
  return row;
}

export interface ProfileUpdate {
  displayName?: string;
  note?: string;
  locked?: boolean;
  bot?: boolean;
  discoverable?: boolean;
  fields?: { name: string; value: string }[];
  avatarUrl?: string | null;
  headerUrl?: string | null;
}

export const MAX_FIELDS = 4;

/** Throws when an update breaks a length rule; callers run it before storing uploaded files. */
export function checkProfileUpdate(update: ProfileUpdate): void {
  if (update.displayName !== undefined && [...update.displayName].length > 30) throw new Invalid("Display name must be at most 30 characters");
  if (update.note !== undefined && [...update.note].length > 500) throw new Invalid("Bio must be at most 500 characters");
  if (update.fields !== undefined) {
    if (update.fields.length > MAX_FIELDS) throw new Invalid(`At most ${MAX_FIELDS} profile fields`);
    if (update.fields.some((f) => f.name.length > 255 || f.value.length > 255)) throw new Invalid("Profile fields must be at most 255 characters");
  }
}

export async function updateProfile(ctx: DomainContext, accountId: string, update: ProfileUpdate): Promise<Account> {
  checkProfileUpdate(update);
  const account = await getAccount(ctx, accountId);
  if (account.domain !== null) throw new Invalid("Only local profiles can be edited here");
  const urls = localUrls(ctx.config.origin);
  const values: Partial<typeof accounts.$inferInsert> = { updatedAt: new Date() };
  if (update.displayName !== undefined) {
    if ([...update.displayName].length > 30) throw new Invalid("Display name must be at most 30 characters");
    values.displayName = stripHtml(update.displayName);
  }
  if (update.note !== undefined) {
    if ([...update.note].length > 500) throw new Invalid("Bio must be at most 500 characters");
    values.noteSource = update.note;
    values.note = renderPlainText(update.note, urls.tagPage);
  }
  if (update.locked !== undefined) values.locked = update.locked;
  if (update.bot !== undefined) values.bot = update.bot;
  if (update.discoverable !== undefined) values.discoverable = update.discoverable;
  if (update.fields !== undefined) {
    if (update.fields.length > MAX_FIELDS) throw new Invalid(`At most ${MAX_FIELDS} profile fields`);
    const fields: ProfileField[] = [];
    for (const f of update.fields) {
      if (f.name.length > 255 || f.value.length > 255) throw new Invalid("Profile fields must be at most 255 characters");
      if (!f.name.trim() && !f.value.trim()) continue;
      fields.push({ name: stripHtml(f.name), value: renderFieldValue(f.value, urls.tagPage), verified_at: null });
    }
    values.fields = fields;
  }
  if (update.avatarUrl !== undefined) values.avatarUrl = update.avatarUrl;
  if (update.headerUrl !== undefined) values.headerUrl = update.headerUrl;
  const row = await writeAndPublish(ctx, async (tx, record) => {
    const [row] = await tx.update(accounts).set(values).where(eq(accounts.id, accountId)).returning();
    await record("account.updated", { accountId, local: true });
    return row;
  });
  return row;
}

/** A field value is plain text, with a lone URL made a link. */
function renderFieldValue(value: string, tagUrl: (name: string) => string): string {
  const html = renderPlainText(value, tagUrl);
  return html.replace(/^<p>/, "").replace(/<\/p>$/, "");
}

export function acctOf(account: Pick<Account, "username" | "domain">): string {
  return account.domain ? `${account.username}@${account.domain}` : account.username;
}

export const SUPPORTED_LOCALES = ["fr", "en"] as const;

/** Sets a resident's interface language; returns the stored value. */
export async function setUserLocale(ctx: DomainContext, userId: string, locale: string): Promise<string> {
  if (!(SUPPORTED_LOCALES as readonly string[]).includes(locale)) throw new Invalid("Unsupported language");
  await ctx.db.update(users).set({ locale }).where(eq(users.id, userId));
  return locale;
}

export async function findUserByUsername(ctx: DomainContext, username: string): Promise<{ user: User; account: Account } | undefined> {
  const account = await findLocalAccount(ctx, username);
  if (!account) return undefined;
  const user = await getUserByAccountId(ctx, account.id);
  return user ? { user, account } : undefined;
}

export async function setRole(ctx: DomainContext, userId: string, role: Role): Promise<void> {
  await ctx.db.update(users).set({ role }).where(eq(users.id, userId));
}

export async function approveUser(ctx: DomainContext, userId: string): Promise<void> {
  await ctx.db.update(users).set({ approved: true }).where(eq(users.id, userId));
}

export async function setSuspended(ctx: DomainContext, accountId: string, suspended: boolean): Promise<void> {
  await writeAndPublish(ctx, async (tx, record) => {
    await tx.update(accounts).set({ suspendedAt: suspended ? new Date() : null }).where(eq(accounts.id, accountId));
    await record("account.updated", { accountId, local: true });
  });
}

export interface PendingUser {
  user: User;
  account: Account;
}

/** Registrations waiting for a moderator (approval mode), oldest first. */
export async function pendingRegistrations(ctx: DomainContext, limit = 100): Promise<PendingUser[]> {
  return ctx.db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.approved, false))
    .orderBy(users.id)
    .limit(limit);
}

/** Refuses a pending registration: the account is removed (its name becomes free again). */
export async function rejectRegistration(ctx: DomainContext, accountId: string): Promise<void> {
  const user = await getUserByAccountId(ctx, accountId);
  if (!user || user.approved) throw new NotFound();
  await ctx.db.delete(accounts).where(eq(accounts.id, accountId));
  ctx.events.emit("tokens.revoked", { userId: user.id, tokenIds: null });
}

/** Accounts by id (missing ones left out). */
export async function accountsByIds(ctx: DomainContext, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  return ctx.db.select().from(accounts).where(inArray(accounts.id, ids));
}

export async function accountById(ctx: DomainContext, id: string): Promise<Account | null> {
  const [row] = await ctx.db.select().from(accounts).where(eq(accounts.id, id));
  return row ?? null;
}

/** Which of these account ids are residents. */
export async function localAccountIds(ctx: DomainContext, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(inArray(accounts.id, ids.slice(0, 200)), isNull(accounts.domain)));
  return rows.map((r) => r.id);
}
