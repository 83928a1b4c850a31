// Small pure helpers shared by components (and easy to test).
import type { Account, NotificationType, Status, Visibility } from "../api/types";

export function displayName(account: Pick<Account, "display_name" | "username">): string {
  return account.display_name?.trim() || account.username;
}

/** The i18n key of the sentence describing a notification of this type. */
export function notificationKey(type: NotificationType | string, group: "types" | "short" = "types"): string {
  switch (type) {
    case "mention":
    case "status":
    case "reblog":
    case "follow":
    case "follow_request":
    case "favourite":
    case "update":
      return `notifications.${group}.${type}`;
    // Parvis groups: a join request, an approval, a promotion (the group is named apart)
    case "parvis.group_request":
    case "parvis.group_approved":
    case "parvis.group_promoted":
      return `notifications.${group}.${type.slice("parvis.".length)}`;
    default:
      return `notifications.${group}.other`;
  }
}

export function notificationText(t: (key: string, vars?: Record<string, string>) => string, type: string, name: string): string {
  return t(notificationKey(type), { name });
}

/** Plain text of server HTML (used to pre-fill the editor, never to render). */
export function htmlToText(html: string): string {
  if (!html) return "";
  const doc = new DOMParser().parseFromString(
    html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>\s*<p>/gi, "\n\n"),
    "text/html",
  );
  return doc.body.textContent ?? "";
}

const URL_RE = /https?:\/\/[^\s<>"']+/g;
const REMOTE_MENTION_RE = /(^|[^\p{L}\p{N}_/@.])@([a-z0-9_]{1,30})@[a-z0-9][a-z0-9.-]*[a-z0-9](?::\d{1,5})?/giu;

/**
 * Characters counted against the instance limit, as Mastodon counts them:
 * every link weighs `urlWeight` characters and a remote mention counts only
 * its "@user" part. Counted in code points, so an emoji is one character.
 */
export function countCharacters(text: string, urlWeight = 23): number {
  const normalized = text.replace(URL_RE, "x".repeat(urlWeight)).replace(REMOTE_MENTION_RE, "$1@$2");
  return [...normalized].length;
}

const rank: Record<Visibility, number> = { public: 0, unlisted: 1, private: 2, direct: 3 };

/** A reply is never more public than what it answers. */
export function replyVisibility(parent: Visibility, preferred: Visibility): Visibility {
  return rank[preferred] >= rank[parent] ? preferred : parent;
}

/** "@alice @bob@other.fr " for a reply, without the replier. */
export function replyMentions(status: Status, selfAcct: string | null): string {
  const accts = [status.account.acct, ...status.mentions.map((m) => m.acct)];
  const unique = [...new Set(accts)].filter((acct) => acct !== selfAcct);
  return unique.length ? unique.map((a) => `@${a}`).join(" ") + " " : "";
}

export function canBoost(status: Status, selfId: string | null): boolean {
  if (status.visibility === "public" || status.visibility === "unlisted") return true;
  return status.visibility === "private" && status.account.id === selfId;
}

/** Paragraphs of a plain-text block (the charter). */
export function paragraphs(text: string | null | undefined): string[] {
  return (text ?? "")
    .replace(/\r\n?/g, "\n")
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
}
