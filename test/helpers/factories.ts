// Factories: residents and posts made through the domain and the API, never by writing rows.
import { issueToken } from "../../server/auth/tokens";
import { registerAccount, type Account, type User } from "../../server/domain/accounts";
import { createStatus, type CreateStatusInput, type Status } from "../../server/domain/statuses";
import type { TestInstance } from "./instance";

export interface Resident {
  account: Account;
  user: User;
  token: string;
  /** Authorization header value */
  auth: string;
}

let counter = 0;

export async function createResident(t: TestInstance, username = `resident${++counter}`, extra: { locked?: boolean; role?: "resident" | "moderator" | "admin" } = {}): Promise<Resident> {
  const ctx = t.services.domain;
  const { account, user } = await registerAccount(ctx, { username, password: "correct horse battery", force: true, role: extra.role ?? "resident" });
  let acc = account;
  if (extra.locked) {
    const { updateProfile } = await import("../../server/domain/accounts");
    acc = await updateProfile(ctx, account.id, { locked: true });
  }
  // staff get the admin scopes an admin app would ask for
  const staff = extra.role === "admin" || extra.role === "moderator";
  const { accessToken } = await issueToken(ctx, { userId: user.id, scopes: staff ? "read write follow push admin:read admin:write" : undefined });
  return { account: acc, user, token: accessToken, auth: `Bearer ${accessToken}` };
}

export async function createPost(t: TestInstance, author: Resident, text: string, input: Partial<CreateStatusInput> = {}): Promise<Status> {
  return createStatus(t.services.domain, author.account, { text, ...input });
}
