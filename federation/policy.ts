// Federation's view of the domain policy (the rule itself lives in
// server/domain/domain-policies.ts, where the admin API changes it).
import type { DomainContext } from "../server/domain/context";
import { isDomainAllowed } from "../server/domain/domains";

export {
  isDomainAllowed,
  setDomainPolicy,
  removeDomainPolicy,
  listDomainPolicies,
  invalidateDomainPolicyCache,
} from "../server/domain/domains";

/** Is federation allowed with the server behind this URL (actor id, inbox, object)? */
export async function isUrlAllowed(ctx: DomainContext, url: string | URL): Promise<boolean> {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return false;
  }
  return isDomainAllowed(ctx, host);
}

/** The policy as the host predicate that safe-fetch and the loaders take. */
export function hostPolicy(ctx: DomainContext): (host: string) => Promise<boolean> {
  return (host) => isDomainAllowed(ctx, host);
}
