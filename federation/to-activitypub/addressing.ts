// Addressing and dates shared by everything we send. Addressing follows
// Mastodon: public = to Public, cc followers (+ mentioned); unlisted = to
// followers, cc Public (+ mentioned); private = to followers, cc mentioned;
// direct = to the mentioned only.
import { Temporal } from "@js-temporal/polyfill";
import { PUBLIC_COLLECTION } from "@fedify/vocab";
import type { Visibility } from "../../server/db/schema";

export interface Author {
  uri: URL;
  followersUri: URL;
}

export function toInstant(date: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(date.getTime());
}

export function addressing(visibility: Visibility, followersUri: URL, mentioned: URL[] = []): { tos: URL[]; ccs: URL[] } {
  switch (visibility) {
    case "public":
      return { tos: [PUBLIC_COLLECTION], ccs: [followersUri, ...mentioned] };
    case "unlisted":
      return { tos: [followersUri], ccs: [PUBLIC_COLLECTION, ...mentioned] };
    case "private":
      return { tos: [followersUri], ccs: mentioned };
    case "direct":
      return { tos: mentioned, ccs: [] };
  }
}
