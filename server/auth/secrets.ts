import { timingSafeEqual } from "node:crypto";

/**
 * Compares a secret sent by a client with the expected one in constant time
 * (for equal lengths), so response timing does not reveal how much of a guess
 * was right. Used for CSRF tokens, OAuth client secrets and the metrics token.
 */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
