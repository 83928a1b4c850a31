// OAuth scopes as Mastodon defines them, and THE table saying which scope each
// HTTP route needs. One middleware (`enforceScopes`) applies the table to every
// request before any router runs; test/api/scopes.test.ts walks the Express
// router stack and fails for a route missing here.
//
// A new route adds one line to SCOPE_TABLE:
//   ["GET", "/api/v1/lists/:id", "read:lists"]                   token with the scope required
//   ["GET", "/api/v1/trends/tags", optional("read")]             anonymous allowed; a token must have the scope
//   ["POST", "/api/v1/apps", PUBLIC]                             no scope (the handler decides who may call)
import type { RequestHandler } from "express";
import { Forbidden, Unauthorized } from "../errors";

const READ = ["accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes", "notifications", "search", "statuses"];
const WRITE = ["accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists", "media", "mutes", "notifications", "reports", "statuses"];
const ADMIN = ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"];

/** Every scope a client may ask for. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  "read",
  "write",
  "follow",
  "push",
  "profile",
  "admin:read",
  "admin:write",
  ...READ.map((s) => `read:${s}`),
  ...WRITE.map((s) => `write:${s}`),
  ...ADMIN.map((s) => `admin:read:${s}`),
  ...ADMIN.map((s) => `admin:write:${s}`),
]);

/** "follow" is Mastodon's legacy scope for relationships. */
const FOLLOW = ["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"];

/** What the web client's session cookie may do: everything a resident's role allows. */
export const WEB_CLIENT_SCOPES = "read write follow push admin:read admin:write";

export function isKnownScope(scope: string): boolean {
  return KNOWN_SCOPES.has(scope);
}

/** The granted scopes, with "follow" spelled out in its granular forms. */
export function expandScopes(scopes: string): Set<string> {
  const set = new Set(scopes.split(/[\s+]+/).filter(Boolean));
  if (set.has("follow")) for (const s of FOLLOW) set.add(s);
  return set;
}

/** "read" grants "read:statuses", "admin:read" grants "admin:read:accounts"… */
export function hasScope(granted: Set<string>, needed: string): boolean {
  let scope = needed;
  for (;;) {
    if (granted.has(scope)) return true;
    const cut = scope.lastIndexOf(":");
    if (cut <= 0) return false;
    scope = scope.slice(0, cut);
    // "admin" alone is no scope: admin:read:accounts stops at admin:read
    if (scope === "admin") return false;
  }
}

export function hasAnyScope(granted: Set<string>, needed: readonly string[]): boolean {
  return needed.some((s) => hasScope(granted, s));
}

/** What a route asks of the caller. */
export interface Requirement {
  /** "required": a user token with one of the scopes; "optional": anonymous, or a token with one of them; "token": any valid token; "public": nothing */
  access: "required" | "optional" | "token" | "public";
  scopes: readonly string[];
}

export const PUBLIC: Requirement = { access: "public", scopes: [] };
/** any valid token, whatever its scopes (Mastodon's apps/verify_credentials) */
export const ANY_TOKEN: Requirement = { access: "token", scopes: [] };
export const optional = (...scopes: string[]): Requirement => ({ access: "optional", scopes });
const required = (...scopes: string[]): Requirement => ({ access: "required", scopes });

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Row = readonly [Method, string, string | Requirement];

/**
 * Route pattern (exactly as registered with Express) + method → what it needs.
 * A string is a required scope; `optional(…)` lets anonymous visitors in.
 */
export const SCOPE_TABLE: readonly Row[] = [
  // OAuth and apps
  ["POST", "/api/v1/apps", PUBLIC],
  ["GET", "/api/v1/apps/verify_credentials", ANY_TOKEN],
  ["POST", "/oauth/token", PUBLIC],
  ["POST", "/oauth/revoke", PUBLIC],
  ["GET", "/oauth/authorize", PUBLIC],
  ["POST", "/oauth/authorize", PUBLIC],
  ["GET", "/oauth/authorize.css", PUBLIC],

  // accounts
  ["POST", "/api/v1/accounts", PUBLIC],
  ["GET", "/api/v1/accounts/verify_credentials", required("read:accounts", "profile")],
  ["PATCH", "/api/v1/accounts/update_credentials", "write:accounts"],
  ["GET", "/api/v1/accounts/lookup", optional("read:accounts")],
  ["GET", "/api/v1/accounts/relationships", "read:follows"],
  ["GET", "/api/v1/accounts/search", optional("read:accounts")],
  ["GET", "/api/v1/accounts/:id", optional("read:accounts")],
  ["GET", "/api/v1/accounts/:id/statuses", optional("read:statuses")],
  ["GET", "/api/v1/accounts/:id/followers", optional("read:accounts")],
  ["GET", "/api/v1/accounts/:id/following", optional("read:accounts")],
  ["POST", "/api/v1/accounts/:id/follow", "write:follows"],
  ["POST", "/api/v1/accounts/:id/unfollow", "write:follows"],
  ["POST", "/api/v1/accounts/:id/block", "write:blocks"],
  ["POST", "/api/v1/accounts/:id/unblock", "write:blocks"],
  ["POST", "/api/v1/accounts/:id/mute", "write:mutes"],
  ["POST", "/api/v1/accounts/:id/unmute", "write:mutes"],

  // statuses and media
  ["POST", "/api/v1/statuses", "write:statuses"],
  ["GET", "/api/v1/statuses", optional("read:statuses")],
  ["GET", "/api/v1/statuses/:id", optional("read:statuses")],
  ["DELETE", "/api/v1/statuses/:id", "write:statuses"],
  ["PUT", "/api/v1/statuses/:id", "write:statuses"],
  ["GET", "/api/v1/statuses/:id/source", "read:statuses"],
  ["GET", "/api/v1/statuses/:id/context", optional("read:statuses")],
  ["GET", "/api/v1/statuses/:id/history", optional("read:statuses")],
  ["POST", "/api/v1/statuses/:id/favourite", "write:favourites"],
  ["POST", "/api/v1/statuses/:id/unfavourite", "write:favourites"],
  ["POST", "/api/v1/statuses/:id/reblog", "write:statuses"],
  ["POST", "/api/v1/statuses/:id/unreblog", "write:statuses"],
  ["POST", "/api/v1/statuses/:id/bookmark", "write:bookmarks"],
  ["POST", "/api/v1/statuses/:id/unbookmark", "write:bookmarks"],
  ["GET", "/api/v1/statuses/:id/favourited_by", optional("read:accounts")],
  ["GET", "/api/v1/statuses/:id/reblogged_by", optional("read:accounts")],
  ["POST", "/api/v1/media", "write:media"],
  ["POST", "/api/v2/media", "write:media"],
  ["GET", "/api/v1/media/:id", "write:media"],
  ["PUT", "/api/v1/media/:id", "write:media"],

  // timelines, notifications, relationships
  ["GET", "/api/v1/timelines/home", "read:statuses"],
  ["GET", "/api/v1/timelines/public", optional("read:statuses")],
  ["GET", "/api/v1/timelines/tag/:hashtag", optional("read:statuses")],
  ["GET", "/api/v1/notifications", "read:notifications"],
  ["POST", "/api/v1/notifications/clear", "write:notifications"],
  ["GET", "/api/v1/notifications/:id", "read:notifications"],
  ["POST", "/api/v1/notifications/:id/dismiss", "write:notifications"],
  ["GET", "/api/v1/follow_requests", "read:follows"],
  ["POST", "/api/v1/follow_requests/:id/authorize", "write:follows"],
  ["POST", "/api/v1/follow_requests/:id/reject", "write:follows"],
  ["GET", "/api/v1/blocks", "read:blocks"],
  ["GET", "/api/v1/mutes", "read:mutes"],

  // instance, search
  ["GET", "/api/v2/instance", PUBLIC],
  ["GET", "/api/v1/instance", PUBLIC],
  ["GET", "/api/v1/instance/rules", PUBLIC],
  ["GET", "/api/v1/custom_emojis", PUBLIC],
  ["GET", "/api/v2/search", optional("read:search")],
  ["GET", "/api/v1/tags/:name", optional("read:follows")],

  // the web client's session and account settings (Parvis extensions)
  ["POST", "/api/parvis/web/session", PUBLIC],
  ["DELETE", "/api/parvis/web/session", PUBLIC],
  ["GET", "/api/parvis/web/sessions", "read:accounts"],
  ["DELETE", "/api/parvis/web/sessions/:id", "write:accounts"],
  ["POST", "/api/parvis/web/password", "write:accounts"],
  ["POST", "/api/parvis/account/delete", "write:accounts"],
  ["POST", "/api/parvis/account/delete/cancel", PUBLIC],
  ["GET", "/api/parvis/account/export", "read:accounts"],
  ["POST", "/api/parvis/account/export", "write:accounts"],
  ["GET", "/api/parvis/account/export/file", "read:accounts"],
  ["GET", "/api/parvis/account/imports", "read:accounts"],
  ["POST", "/api/parvis/account/import", "write:accounts"],
  ["GET", "/api/parvis/account/import/:id", "read:accounts"],
  ["GET", "/api/parvis/account/aliases", "read:accounts"],
  ["POST", "/api/parvis/account/aliases", "write:accounts"],
  ["DELETE", "/api/parvis/account/aliases", "write:accounts"],
  ["POST", "/api/parvis/account/move", "write:accounts"],

  // moderation and administration (the role is checked by the router)
  ["POST", "/api/v1/reports", "write:reports"],
  ["GET", "/api/v1/admin/accounts", "admin:read:accounts"],
  ["GET", "/api/v1/admin/accounts/:id", "admin:read:accounts"],
  ["POST", "/api/v1/admin/accounts/:id/action", "admin:write:accounts"],
  ["POST", "/api/v1/admin/accounts/:id/unsilence", "admin:write:accounts"],
  ["POST", "/api/v1/admin/accounts/:id/unsuspend", "admin:write:accounts"],
  ["POST", "/api/v1/admin/accounts/:id/unsensitive", "admin:write:accounts"],
  ["POST", "/api/v1/admin/accounts/:id/enable", "admin:write:accounts"],
  ["GET", "/api/parvis/admin/accounts/:id/actions", "admin:read:accounts"],
  ["GET", "/api/parvis/admin/accounts/:id/notes", "admin:read:accounts"],
  ["POST", "/api/parvis/admin/accounts/:id/notes", "admin:write:accounts"],
  ["DELETE", "/api/parvis/admin/accounts/:id/notes/:note_id", "admin:write:accounts"],
  ["GET", "/api/v1/admin/reports", "admin:read:reports"],
  ["GET", "/api/v1/admin/reports/:id", "admin:read:reports"],
  ["POST", "/api/v1/admin/reports/:id/assign_to_self", "admin:write:reports"],
  ["POST", "/api/v1/admin/reports/:id/unassign", "admin:write:reports"],
  ["POST", "/api/v1/admin/reports/:id/resolve", "admin:write:reports"],
  ["POST", "/api/v1/admin/reports/:id/reopen", "admin:write:reports"],
  ["GET", "/api/parvis/admin/reports/:id/notes", "admin:read:reports"],
  ["POST", "/api/parvis/admin/reports/:id/notes", "admin:write:reports"],
  ["DELETE", "/api/parvis/admin/reports/:id/notes/:note_id", "admin:write:reports"],
  ["GET", "/api/v1/admin/domain_blocks", "admin:read:domain_blocks"],
  ["GET", "/api/v1/admin/domain_blocks/:id", "admin:read:domain_blocks"],
  ["POST", "/api/v1/admin/domain_blocks", "admin:write:domain_blocks"],
  ["PUT", "/api/v1/admin/domain_blocks/:id", "admin:write:domain_blocks"],
  ["DELETE", "/api/v1/admin/domain_blocks/:id", "admin:write:domain_blocks"],
  ["GET", "/api/v1/admin/domain_allows", "admin:read:domain_allows"],
  ["GET", "/api/v1/admin/domain_allows/:id", "admin:read:domain_allows"],
  ["POST", "/api/v1/admin/domain_allows", "admin:write:domain_allows"],
  ["DELETE", "/api/v1/admin/domain_allows/:id", "admin:write:domain_allows"],
  ["POST", "/api/v1/admin/accounts/:id/approve", "admin:write:accounts"],
  ["POST", "/api/v1/admin/accounts/:id/reject", "admin:write:accounts"],
  ["GET", "/api/parvis/admin/settings", "admin:read"],
  ["PATCH", "/api/parvis/admin/settings", "admin:write"],
  ["POST", "/api/parvis/admin/rules", "admin:write"],
  ["PATCH", "/api/parvis/admin/rules/:id", "admin:write"],
  ["DELETE", "/api/parvis/admin/rules/:id", "admin:write"],
  ["GET", "/api/parvis/admin/delivery_failures", "admin:read"],
  ["GET", "/api/parvis/admin/domains", required("admin:read:domain_blocks")],
  ["POST", "/api/parvis/admin/domains", "admin:write:domain_blocks"],
  ["DELETE", "/api/parvis/admin/domains/:domain", "admin:write:domain_blocks"],
  ["POST", "/api/parvis/admin/observations/import", "admin:write"],

  // the public moderation log and privacy page (Parvis extensions, no login)
  ["GET", "/api/parvis/moderation_log", PUBLIC],
  ["GET", "/api/parvis/moderation_log/verify", PUBLIC],
  ["GET", "/moderation_log", PUBLIC],
  ["GET", "/api/parvis/privacy", PUBLIC],
  // open data: public observations, readable by anyone (server/api/open-data.ts)
  ["GET", "/api/parvis/observations.geojson", PUBLIC],
  ["GET", "/api/parvis/observations.csv", PUBLIC],
  ["GET", "/api/parvis/map/config", PUBLIC],

  // health check and static files the API refers to
  ["GET", "/healthz", PUBLIC],
  ["GET", "/health", PUBLIC],
  ["GET", "/avatars/original/missing.png", PUBLIC],
  ["GET", "/headers/original/missing.png", PUBLIC],
  ["GET", "/media/:name", PUBLIC],
  ["GET", "/tiles/:z/:x/:y.png", PUBLIC],
  ["GET", "/media_proxy/:kind/:id/:variant", PUBLIC],
  ["GET", "/metrics", PUBLIC], // the handler decides: admins, PARVIS_METRICS_TOKEN or loopback

  // lists, filters, tags, collections and settings an app reads on every screen
  ["GET", "/api/v2/suggestions", "read:accounts"],
  ["GET", "/api/v1/suggestions", "read:accounts"],
  ["DELETE", "/api/v1/suggestions/:account_id", "write:accounts"],
  ["GET", "/api/v1/accounts/familiar_followers", "read:follows"],
  ["GET", "/api/v1/lists", "read:lists"],
  ["POST", "/api/v1/lists", "write:lists"],
  ["GET", "/api/v1/lists/:id", "read:lists"],
  ["PUT", "/api/v1/lists/:id", "write:lists"],
  ["DELETE", "/api/v1/lists/:id", "write:lists"],
  ["GET", "/api/v1/lists/:id/accounts", "read:lists"],
  ["POST", "/api/v1/lists/:id/accounts", "write:lists"],
  ["DELETE", "/api/v1/lists/:id/accounts", "write:lists"],
  ["GET", "/api/v1/accounts/:id/lists", "read:lists"],
  ["GET", "/api/v1/timelines/list/:id", "read:lists"],
  ["GET", "/api/v2/filters", "read:filters"],
  ["POST", "/api/v2/filters", "write:filters"],
  ["GET", "/api/v2/filters/keywords/:id", "read:filters"],
  ["PUT", "/api/v2/filters/keywords/:id", "write:filters"],
  ["DELETE", "/api/v2/filters/keywords/:id", "write:filters"],
  ["GET", "/api/v2/filters/statuses/:id", "read:filters"],
  ["DELETE", "/api/v2/filters/statuses/:id", "write:filters"],
  ["GET", "/api/v2/filters/:id", "read:filters"],
  ["PUT", "/api/v2/filters/:id", "write:filters"],
  ["DELETE", "/api/v2/filters/:id", "write:filters"],
  ["GET", "/api/v2/filters/:id/keywords", "read:filters"],
  ["POST", "/api/v2/filters/:id/keywords", "write:filters"],
  ["GET", "/api/v2/filters/:id/statuses", "read:filters"],
  ["POST", "/api/v2/filters/:id/statuses", "write:filters"],
  ["GET", "/api/v1/filters", "read:filters"],
  ["POST", "/api/v1/filters", "write:filters"],
  ["GET", "/api/v1/filters/:id", "read:filters"],
  ["PUT", "/api/v1/filters/:id", "write:filters"],
  ["DELETE", "/api/v1/filters/:id", "write:filters"],
  ["POST", "/api/v1/tags/:name/follow", "write:follows"],
  ["POST", "/api/v1/tags/:name/unfollow", "write:follows"],
  ["GET", "/api/v1/followed_tags", "read:follows"],
  ["GET", "/api/v1/featured_tags", "read:accounts"],
  ["POST", "/api/v1/featured_tags", "write:accounts"],
  ["GET", "/api/v1/featured_tags/suggestions", "read:accounts"],
  ["DELETE", "/api/v1/featured_tags/:id", "write:accounts"],
  ["GET", "/api/v1/accounts/:id/featured_tags", optional("read:accounts")],
  ["GET", "/api/v1/bookmarks", "read:bookmarks"],
  ["GET", "/api/v1/favourites", "read:favourites"],
  ["GET", "/api/v1/markers", "read:statuses"],
  ["POST", "/api/v1/markers", "write:statuses"],
  ["GET", "/api/v1/preferences", "read:accounts"],
  ["GET", "/api/v1/conversations", "read:statuses"],
  ["DELETE", "/api/v1/conversations/:id", "write:conversations"],
  ["POST", "/api/v1/conversations/:id/read", "write:conversations"],
  ["GET", "/api/v1/instance/peers", PUBLIC],
  ["GET", "/api/v1/instance/activity", PUBLIC],

  // groups (docs/api.md "Groups")
  ["GET", "/api/parvis/groups", optional("read:accounts")],
  ["POST", "/api/parvis/groups", "write:accounts"],
  ["GET", "/api/parvis/groups/:id", optional("read:accounts")],
  ["PATCH", "/api/parvis/groups/:id", "write:accounts"],
  ["DELETE", "/api/parvis/groups/:id", "write:accounts"],
  ["POST", "/api/parvis/groups/:id/join", "write:follows"],
  ["POST", "/api/parvis/groups/:id/leave", "write:follows"],
  ["GET", "/api/parvis/groups/:id/requests", "read:follows"],
  ["POST", "/api/parvis/groups/:id/requests/:account_id/approve", "write:follows"],
  ["POST", "/api/parvis/groups/:id/requests/:account_id/reject", "write:follows"],
  ["GET", "/api/parvis/groups/:id/members", optional("read:accounts")],
  ["PATCH", "/api/parvis/groups/:id/members/:account_id", "write:follows"],
  ["DELETE", "/api/parvis/groups/:id/members/:account_id", "write:follows"],
  ["GET", "/api/parvis/groups/:id/bans", "read:blocks"],
  ["POST", "/api/parvis/groups/:id/bans", "write:blocks"],
  ["DELETE", "/api/parvis/groups/:id/bans/:account_id", "write:blocks"],
  ["POST", "/api/parvis/groups/:id/statuses/:status_id/pin", "write:statuses"],
  ["POST", "/api/parvis/groups/:id/statuses/:status_id/unpin", "write:statuses"],
  ["DELETE", "/api/parvis/groups/:id/statuses/:status_id", "write:statuses"],
  ["GET", "/api/parvis/timelines/group/:id", optional("read:statuses")],
  // places (docs/api.md "Places")
  ["GET", "/api/parvis/places", optional("read:statuses")],

  // observations (docs/api.md "Observations")
  ["POST", "/api/parvis/observations", "write:statuses"],
  ["GET", "/api/parvis/observations", optional("read:statuses")],
  ["GET", "/api/parvis/observations/:id", optional("read:statuses")],
  ["PATCH", "/api/parvis/observations/:id", "write:statuses"],
  ["POST", "/api/parvis/observations/:id/confirm", "write:statuses"],
  ["POST", "/api/parvis/observations/:id/gone", "write:statuses"],
  ["POST", "/api/parvis/observations/:id/gone/reject", "write:statuses"],
  ["GET", "/api/parvis/observations/:id/history", optional("read:statuses")],

  // polls, scheduled statuses, announcements, push, trends
  ["GET", "/api/v1/polls/:id", optional("read:statuses")],
  ["POST", "/api/v1/polls/:id/votes", "write:statuses"],
  ["GET", "/api/v1/scheduled_statuses", "read:statuses"],
  ["GET", "/api/v1/scheduled_statuses/:id", "read:statuses"],
  ["PUT", "/api/v1/scheduled_statuses/:id", "write:statuses"],
  ["DELETE", "/api/v1/scheduled_statuses/:id", "write:statuses"],
  ["GET", "/api/v1/announcements", "read"],
  ["POST", "/api/v1/announcements/:id/dismiss", "write:accounts"],
  ["PUT", "/api/v1/announcements/:id/reactions/:name", "write:favourites"],
  ["DELETE", "/api/v1/announcements/:id/reactions/:name", "write:favourites"],
  ["POST", "/api/v1/push/subscription", "push"],
  ["GET", "/api/v1/push/subscription", "push"],
  ["PUT", "/api/v1/push/subscription", "push"],
  ["DELETE", "/api/v1/push/subscription", "push"],
  ["GET", "/api/v1/trends", optional("read")],
  ["GET", "/api/v1/trends/tags", optional("read")],
  ["GET", "/api/v1/trends/statuses", optional("read")],
  ["GET", "/api/v1/trends/links", optional("read")],
  ["GET", "/api/parvis/admin/announcements", "admin:read"],
  ["GET", "/api/parvis/admin/announcements/:id", "admin:read"],
  ["POST", "/api/parvis/admin/announcements", "admin:write"],
  ["PUT", "/api/parvis/admin/announcements/:id", "admin:write"],
  ["DELETE", "/api/parvis/admin/announcements/:id", "admin:write"],
  ["POST", "/api/parvis/admin/announcements/:id/end", "admin:write"],
  ["GET", "/api/v1/admin/trends/tags", "admin:read"],
  ["GET", "/api/v1/admin/trends/links", "admin:read"],
  ["GET", "/api/v1/admin/trends/statuses", "admin:read"],
  ["POST", "/api/v1/admin/trends/tags/:id/approve", "admin:write"],
  ["POST", "/api/v1/admin/trends/tags/:id/reject", "admin:write"],
  ["POST", "/api/v1/admin/trends/links/:id/approve", "admin:write"],
  ["POST", "/api/v1/admin/trends/links/:id/reject", "admin:write"],
  ["POST", "/api/v1/admin/trends/statuses/:id/approve", "admin:write"],
  ["POST", "/api/v1/admin/trends/statuses/:id/reject", "admin:write"],

  // discovery, grouped notifications, the Mastodon streaming API
  ["GET", "/.well-known/oauth-authorization-server", PUBLIC],
  ["GET", "/.well-known/host-meta", PUBLIC],
  ["GET", "/.well-known/host-meta.json", PUBLIC],
  ["GET", "/api/v2/notifications", "read:notifications"],
  ["GET", "/api/v2/notifications/unread_count", "read:notifications"],
  ["GET", "/api/v2/notifications/policy", "read:notifications"],
  ["PATCH", "/api/v2/notifications/policy", "write:notifications"],
  ["GET", "/api/v2/notifications/:group_key", "read:notifications"],
  ["GET", "/api/v2/notifications/:group_key/accounts", "read:notifications"],
  ["POST", "/api/v2/notifications/:group_key/dismiss", "write:notifications"],
  ["GET", "/api/v1/notifications/unread_count", "read:notifications"],
  ["GET", "/api/v1/notifications/requests", "read:notifications"],
  ["GET", "/api/v1/notifications/policy", "read:notifications"],
  ["PUT", "/api/v1/notifications/policy", "write:notifications"],
];

/**
 * What each stream needs, as Mastodon's streaming server checks it: `read` or the
 * granular scope named here (hasScope); null for the public streams, open to
 * anyone, with a token or without. The socket.io handshake (server/realtime) and
 * the Mastodon streaming API (server/realtime/mastodon-streaming.ts) read it here.
 */
export const STREAM_SCOPES = {
  user: "read:statuses",
  "user:notification": "read:notifications",
  direct: "read:statuses",
  // Mastodon's streaming server asks read:statuses for a list stream too (not read:lists)
  list: "read:statuses",
  public: null,
  "public:media": null,
  "public:local": null,
  "public:local:media": null,
  "public:remote": null,
  "public:remote:media": null,
  hashtag: null,
  "hashtag:local": null,
} as const satisfies Record<string, string | null>;

export type StreamName = keyof typeof STREAM_SCOPES;

export function isStreamName(name: string): name is StreamName {
  return Object.hasOwn(STREAM_SCOPES, name);
}

interface CompiledRule {
  method: Method;
  path: string;
  regex: RegExp;
  /** literal segments count: the more specific pattern wins, as Express's registration order makes it */
  literals: number;
  requirement: Requirement;
}

function compile(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`);
}

const RULES: CompiledRule[] = SCOPE_TABLE.map(([method, path, need]) => ({
  method,
  path,
  regex: compile(path),
  literals: path.split("/").filter((s) => s && !s.startsWith(":")).length,
  requirement: typeof need === "string" ? required(need) : need,
})).sort((a, b) => b.literals - a.literals);

/** The table's entry for a request (HEAD is GET), or undefined. */
export function ruleFor(method: string, path: string): { path: string; requirement: Requirement } | undefined {
  const m = method === "HEAD" ? "GET" : method;
  const rule = RULES.find((r) => r.method === m && r.regex.test(path));
  return rule ? { path: rule.path, requirement: rule.requirement } : undefined;
}

/** Paths whose routes must all be in the table. */
export const GUARDED_PREFIXES = /^\/(api|oauth)\//;

/**
 * Applies SCOPE_TABLE after `authenticate`: a caller whose token lacks the scope
 * gets Mastodon's 403 `This action is outside the authorized scopes` (also on
 * optional-auth reads, as Mastodon's authorize_if_got_token! does); a required
 * route without a user gets 401. A path missing from the table is left to its
 * router (an unknown path stays a 404; the route-walk test fails for a route
 * that is missing).
 */
export function enforceScopes(): RequestHandler {
  return (req, _res, next) => {
    if (req.method === "OPTIONS") return next();
    const rule = ruleFor(req.method, req.path);
    const token = req.auth ?? req.appAuth;
    if (!rule) return next();
    const need = rule.requirement;
    if (need.access === "public") return next();
    if (need.access === "token") return token ? next() : next(new Unauthorized("The access token is invalid"));
    if (!token) {
      if (need.access === "optional") return next();
      return next(new Unauthorized("This method requires an authenticated user"));
    }
    if (!hasAnyScope(token.scopes, need.scopes)) return next(new Forbidden("This action is outside the authorized scopes"));
    if (need.access === "required" && !req.auth) return next(new Unauthorized("This method requires an authenticated user"));
    next();
  };
}
