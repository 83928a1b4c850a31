// Password hashing for local users. In the accounts concept (a user's
// password belongs to its account) so that the domain (registration, password
// change, account deletion) and auth/ (login) share it without the domain
// importing auth/.
import { hash, verify } from "@node-rs/argon2";

// argon2id (the library's default algorithm), OWASP's minimum parameters.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spend the time of a real check when the account does not exist, so timing does not reveal it. */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword("parvis-dummy-password");
  await verifyPassword(await dummy, password);
  return false;
}
