// The only database schema of Parvis. Migrations under ./migrations are generated
// from this file with `npm run db:generate` and never edited by hand; what Drizzle
// cannot express (triggers) goes in custom migrations (`npx drizzle-kit generate --custom`).
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** Sortable 64-bit ids (see server/ids.ts), carried as decimal strings in JS. */
const snowflake = customType<{ data: string; driverData: string | bigint | number }>({
  dataType: () => "bigint",
  toDriver: (value) => value,
  fromDriver: (value) => String(value),
});

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => ts("created_at").notNull().defaultNow();

export type Visibility = "public" | "unlisted" | "private" | "direct";
export type Role = "resident" | "moderator" | "admin";
export type NotificationType =
  | "mention"
  | "follow"
  | "follow_request"
  | "favourite"
  | "reblog"
  | "status"
  | "update"
  | "poll"
  // Parvis groups (docs/api.md "Group notifications"): a join request to a group one moderates,
  // one's request approved, one's promotion to moderator (or admin)
  | "parvis.group_request"
  | "parvis.group_approved"
  | "parvis.group_promoted";

export interface ProfileField {
  name: string;
  value: string;
  verified_at: string | null;
}

/** Local residents and remote actors alike (remote ones have a domain). */
export const accounts = pgTable(
  "accounts",
  {
    id: snowflake("id").primaryKey(),
    username: text("username").notNull(),
    /** null for local accounts; lower-case host[:port] for remote ones */
    domain: text("domain"),
    displayName: text("display_name").notNull().default(""),
    /** sanitized HTML */
    note: text("note").notNull().default(""),
    /** source of a local account's note, as typed */
    noteSource: text("note_source").notNull().default(""),
    fields: jsonb("fields").$type<ProfileField[]>().notNull().default([]),
    locked: boolean("locked").notNull().default(false),
    bot: boolean("bot").notNull().default(false),
    discoverable: boolean("discoverable").notNull().default(true),
    actorType: text("actor_type").notNull().default("Person"),
    avatarUrl: text("avatar_url"),
    headerUrl: text("header_url"),
    /** ActivityPub id */
    uri: text("uri").notNull(),
    /** HTML profile page */
    url: text("url"),
    inboxUrl: text("inbox_url"),
    sharedInboxUrl: text("shared_inbox_url"),
    outboxUrl: text("outbox_url"),
    followersUrl: text("followers_url"),
    followingUrl: text("following_url"),
    featuredUrl: text("featured_url"),
    /** counts reported by a remote server (local ones are counted) */
    remoteFollowersCount: integer("remote_followers_count"),
    remoteFollowingCount: integer("remote_following_count"),
    remoteStatusesCount: integer("remote_statuses_count"),
    movedToAccountId: snowflake("moved_to_account_id"),
    alsoKnownAs: jsonb("also_known_as").$type<string[]>().notNull().default([]),
    suspendedAt: ts("suspended_at"),
    /** moderation: posts kept out of public timelines and trends, seen by followers only */
    silencedAt: ts("silenced_at"),
    /** moderation: the media of its posts are always marked sensitive */
    sensitizedAt: ts("sensitized_at"),
    lastFetchedAt: ts("last_fetched_at"),
    lastStatusAt: ts("last_status_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("accounts_username_domain_uq").on(sql`lower(${t.username})`, sql`coalesce(${t.domain}, '')`),
    uniqueIndex("accounts_uri_uq").on(t.uri),
    index("accounts_domain_idx").on(t.domain),
  ],
);

export type AccountActionKind = "none" | "sensitive" | "disable" | "silence" | "suspend" | "unsensitive" | "enable" | "unsilence" | "unsuspend";

/** Login data of local residents. */
export const users = pgTable(
  "users",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    email: text("email"),
    passwordHash: text("password_hash").notNull(),
    role: text("role").$type<Role>().notNull().default("resident"),
    locale: text("locale").notNull().default("fr"),
    /** false while an approval-mode registration waits for a moderator */
    approved: boolean("approved").notNull().default(true),
    registrationReason: text("registration_reason"),
    /** when the resident accepted the charter and rules (POST /api/v1/accounts with agreement) */
    agreementAcceptedAt: ts("agreement_accepted_at"),
    /** SHA-256 of the charter and rules as they were shown then (docs/api.md), so the accepted version can be told */
    agreementDigest: text("agreement_digest"),
    disabledAt: ts("disabled_at"),
    /**
     * The resident asked for their account to be deleted at this time; it is
     * deactivated until `deletion_due_at`, when a durable job purges it. Logging
     * in with the password before then may cancel (docs/api.md).
     */
    deletionRequestedAt: ts("deletion_requested_at"),
    deletionDueAt: ts("deletion_due_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_account_uq").on(t.accountId),
    uniqueIndex("users_email_uq").on(sql`lower(${t.email})`),
    index("users_deletion_due_idx").on(t.deletionDueAt).where(sql`${t.deletionDueAt} is not null`),
    check("users_role_ck", sql`${t.role} in ('resident', 'moderator', 'admin')`),
  ],
);

/** OAuth client applications (POST /api/v1/apps). */
export const apps = pgTable(
  "apps",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    website: text("website"),
    redirectUris: jsonb("redirect_uris").$type<string[]>().notNull().default([]),
    scopes: text("scopes").notNull().default("read"),
    clientId: text("client_id").notNull(),
    clientSecret: text("client_secret").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("apps_client_id_uq").on(t.clientId)],
);

/** Issued access tokens; a JWT carries the id, so revocation is immediate. */
export const accessTokens = pgTable(
  "access_tokens",
  {
    id: snowflake("id").primaryKey(),
    userId: snowflake("user_id").references(() => users.id, { onDelete: "cascade" }),
    appId: snowflake("app_id").references(() => apps.id, { onDelete: "cascade" }),
    scopes: text("scopes").notNull().default("read write follow push"),
    /** "web" for the browser session cookie, "api" for bearer tokens */
    kind: text("kind").notNull().default("api"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("access_tokens_user_idx").on(t.userId)],
);

/** Short-lived OAuth authorization codes (authorization_code grant). */
export const authorizationCodes = pgTable("authorization_codes", {
  code: text("code").primaryKey(),
  appId: snowflake("app_id")
    .notNull()
    .references(() => apps.id, { onDelete: "cascade" }),
  userId: snowflake("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  redirectUri: text("redirect_uri").notNull(),
  scopes: text("scopes").notNull(),
  codeChallenge: text("code_challenge"),
  codeChallengeMethod: text("code_challenge_method"),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
});

export const statuses = pgTable(
  "statuses",
  {
    id: snowflake("id").primaryKey(),
    uri: text("uri").notNull(),
    url: text("url"),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    inReplyToId: snowflake("in_reply_to_id"),
    inReplyToAccountId: snowflake("in_reply_to_account_id"),
    /** remote parent we could not resolve (yet) */
    inReplyToUri: text("in_reply_to_uri"),
    reblogOfId: snowflake("reblog_of_id"),
    /** sanitized HTML */
    content: text("content").notNull().default(""),
    /** what the author typed (local statuses only) */
    text: text("text"),
    spoilerText: text("spoiler_text").notNull().default(""),
    sensitive: boolean("sensitive").notNull().default(false),
    visibility: text("visibility").$type<Visibility>().notNull(),
    language: text("language"),
    local: boolean("local").notNull(),
    /** ActivityPub type it came as: Note, Article, Page, Question… */
    objectType: text("object_type").notNull().default("Note"),
    applicationId: snowflake("application_id"),
    pinned: boolean("pinned").notNull().default(false),
    /** the group it was posted in (server/domain/groups): its members decide who reads it */
    groupId: snowflake("group_id").references((): AnyPgColumn => groups.accountId, { onDelete: "cascade" }),
    /**
     * The place the author chose to publish with the post (an ActivityStreams
     * Place in `location`): WGS 84 degrees and an optional name. Never taken
     * from a photo's metadata.
     */
    placeLatitude: doublePrecision("place_latitude"),
    placeLongitude: doublePrecision("place_longitude"),
    placeName: text("place_name"),
    createdAt: createdAt(),
    editedAt: ts("edited_at"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("statuses_uri_uq").on(t.uri),
    // a group's timeline
    index("statuses_group_idx").on(t.groupId, t.id.desc()).where(sql`${t.groupId} is not null`),
    // a post in a group is never direct: its audience is the group
    check("statuses_group_visibility_ck", sql`${t.groupId} is null or ${t.visibility} in ('public', 'unlisted', 'private')`),
    index("statuses_account_idx").on(t.accountId, t.id.desc()),
    index("statuses_reply_idx").on(t.inReplyToId),
    index("statuses_reblog_idx").on(t.reblogOfId),
    // replies that arrived before their parent, found again when it arrives (storeRemoteStatus)
    index("statuses_reply_uri_idx").on(t.inReplyToUri).where(sql`${t.inReplyToUri} is not null`),
    index("statuses_public_idx").on(t.id.desc()).where(sql`${t.visibility} = 'public' and ${t.reblogOfId} is null`),
    uniqueIndex("statuses_one_reblog_uq").on(t.accountId, t.reblogOfId).where(sql`${t.reblogOfId} is not null`),
    check("statuses_visibility_ck", sql`${t.visibility} in ('public', 'unlisted', 'private', 'direct')`),
    // a place is a point: both coordinates or none, within WGS 84's range
    check(
      "statuses_place_ck",
      sql`(${t.placeLatitude} is null) = (${t.placeLongitude} is null) and (${t.placeName} is null or ${t.placeLatitude} is not null)`,
    ),
    check(
      "statuses_place_range_ck",
      sql`${t.placeLatitude} is null or (${t.placeLatitude} between -90 and 90 and ${t.placeLongitude} between -180 and 180)`,
    ),
    // posts with a place, newest first, for the map
    index("statuses_place_idx").on(t.placeLatitude, t.placeLongitude).where(sql`${t.placeLatitude} is not null`),
  ],
);

/** Previous versions of edited statuses (GET /api/v1/statuses/:id/history). */
export const statusEdits = pgTable(
  "status_edits",
  {
    id: snowflake("id").primaryKey(),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    spoilerText: text("spoiler_text").notNull().default(""),
    sensitive: boolean("sensitive").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("status_edits_status_idx").on(t.statusId, t.id)],
);

export const mentions = pgTable(
  "mentions",
  {
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.statusId, t.accountId] }), index("mentions_account_idx").on(t.accountId, t.statusId)],
);

export const tags = pgTable(
  "tags",
  {
    id: snowflake("id").primaryKey(),
    /** lower-case */
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tags_name_uq").on(t.name)],
);

export const statusTags = pgTable(
  "status_tags",
  {
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    tagId: snowflake("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.statusId, t.tagId] }), index("status_tags_tag_idx").on(t.tagId, t.statusId)],
);

export const mediaAttachments = pgTable(
  "media_attachments",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    statusId: snowflake("status_id").references(() => statuses.id, { onDelete: "set null" }),
    type: text("type").notNull().default("image"),
    /** file name under the data dir's media folder (local files) */
    fileName: text("file_name"),
    /** the thumbnail's file name under the same folder (images processed on upload) */
    previewFileName: text("preview_file_name"),
    contentType: text("content_type"),
    remoteUrl: text("remote_url"),
    description: text("description"),
    blurhash: text("blurhash"),
    meta: jsonb("meta").$type<Record<string, unknown>>().notNull().default({}),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index("media_status_idx").on(t.statusId),
    // the periodic clean-up looks for old uploads never attached to a post
    index("media_unattached_idx").on(t.createdAt).where(sql`${t.statusId} is null`),
  ],
);

/**
 * Remote media (attachments of remote posts, remote avatars and headers) fetched
 * once, re-encoded and kept in the media store under cache/ keys, so that
 * browsers only ever load them from our origin. One row per remote URL; evicted
 * by age and by total size (least recently used first), re-fetched on demand.
 */
export const remoteMediaCache = pgTable(
  "remote_media_cache",
  {
    remoteUrl: text("remote_url").primaryKey(),
    /** store key of the re-encoded file */
    originalKey: text("original_key").notNull(),
    /** store key of its thumbnail (a still WebP) */
    smallKey: text("small_key").notNull(),
    contentType: text("content_type").notNull(),
    /** bytes of both files, for the cache's size limit */
    size: integer("size").notNull(),
    fetchedAt: ts("fetched_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at").notNull().defaultNow(),
  },
  (t) => [index("remote_media_cache_fetched_idx").on(t.fetchedAt), index("remote_media_cache_used_idx").on(t.lastUsedAt)],
);

export const favourites = pgTable(
  "favourites",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    uri: text("uri"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("favourites_account_status_uq").on(t.accountId, t.statusId),
    index("favourites_status_idx").on(t.statusId),
    uniqueIndex("favourites_uri_uq").on(t.uri),
  ],
);

export const bookmarks = pgTable(
  "bookmarks",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("bookmarks_account_status_uq").on(t.accountId, t.statusId)],
);

export const follows = pgTable(
  "follows",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    uri: text("uri"),
    showReblogs: boolean("show_reblogs").notNull().default(true),
    notify: boolean("notify").notNull().default(false),
    /**
     * When the follower's server was last sent our Accept (remote followers of
     * residents): a repeated Follow is answered again at most once per window.
     */
    acceptSentAt: ts("accept_sent_at").notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("follows_pair_uq").on(t.accountId, t.targetAccountId),
    index("follows_target_idx").on(t.targetAccountId),
    check("follows_not_self_ck", sql`${t.accountId} <> ${t.targetAccountId}`),
  ],
);

/**
 * An account's counts, kept by triggers on statuses and follows (custom migration
 * 0004_account_stats_triggers.sql): reading a profile or a page of statuses costs one
 * row per author instead of counting their posts and follows every time.
 */
export const accountStats = pgTable("account_stats", {
  accountId: snowflake("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  statusesCount: integer("statuses_count").notNull().default(0),
  followersCount: integer("followers_count").notNull().default(0),
  followingCount: integer("following_count").notNull().default(0),
});

export const followRequests = pgTable(
  "follow_requests",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    uri: text("uri"),
    showReblogs: boolean("show_reblogs").notNull().default(true),
    notify: boolean("notify").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("follow_requests_pair_uq").on(t.accountId, t.targetAccountId),
    index("follow_requests_target_idx").on(t.targetAccountId),
    check("follow_requests_not_self_ck", sql`${t.accountId} <> ${t.targetAccountId}`),
  ],
);

export const blocks = pgTable(
  "blocks",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    uri: text("uri"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("blocks_pair_uq").on(t.accountId, t.targetAccountId),
    index("blocks_target_idx").on(t.targetAccountId),
    check("blocks_not_self_ck", sql`${t.accountId} <> ${t.targetAccountId}`),
  ],
);

export const mutes = pgTable(
  "mutes",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    hideNotifications: boolean("hide_notifications").notNull().default(true),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("mutes_pair_uq").on(t.accountId, t.targetAccountId),
    check("mutes_not_self_ck", sql`${t.accountId} <> ${t.targetAccountId}`),
  ],
);

export const notifications = pgTable(
  "notifications",
  {
    id: snowflake("id").primaryKey(),
    /** recipient (a local account) */
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    fromAccountId: snowflake("from_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type").$type<NotificationType>().notNull(),
    statusId: snowflake("status_id").references(() => statuses.id, { onDelete: "cascade" }),
    /** Mastodon's group key ("favourite-<status id>-<hour bucket>"…) for grouped types; null: ungrouped */
    groupKey: text("group_key"),
    /** the Parvis group a parvis.group_* notification is about (a join request, an approval, a promotion) */
    parvisGroupId: snowflake("parvis_group_id").references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_account_idx").on(t.accountId, t.id.desc()),
    index("notifications_group_idx").on(t.accountId, t.groupKey, t.id.desc()).where(sql`${t.groupKey} is not null`),
    uniqueIndex("notifications_once_uq").on(t.accountId, t.fromAccountId, t.type, sql`coalesce(${t.statusId}, 0)`, sql`coalesce(${t.parvisGroupId}, 0)`),
  ],
);

/** Idempotency-Key header of POST /api/v1/statuses. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: snowflake("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** Instance-wide settings set by admins (registration mode, rules, federation mode…). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const instanceRules = pgTable("instance_rules", {
  id: snowflake("id").primaryKey(),
  text: text("text").notNull(),
  hint: text("hint").notNull().default(""),
  position: integer("position").notNull().default(0),
  createdAt: createdAt(),
});

/**
 * Per-account usage counters in fixed windows (posts, uploads, follows), shared by
 * every process; see server/domain/rate-limits.ts.
 */
export const rateLimitCounters = pgTable("rate_limit_counters", {
  /** "<family>:<account id>" */
  key: text("key").primaryKey(),
  windowStart: ts("window_start").notNull(),
  hits: integer("hits").notNull(),
});

/**
 * The public moderation log: append-only, each entry chained to the previous one
 * by SHA-256 and the head signed with the instance actor's key
 * (server/domain/moderation/log.ts, docs/adr/0021-tamper-evident-moderation-log.md).
 */
export const moderationLog = pgTable(
  "moderation_log",
  {
    /** position in the chain, 1 for the first entry; no gaps */
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    createdAt: ts("created_at").notNull(),
    action: text("action").notNull(),
    /** account, status, domain, group, rule, report */
    targetType: text("target_type").notNull(),
    /** account/status/group/rule/report id, or a domain name */
    targetId: text("target_id").notNull(),
    /** whether the target belongs to this instance (local names may be anonymised) */
    targetLocal: boolean("target_local").notNull(),
    ruleIds: jsonb("rule_ids").$type<string[]>().notNull(),
    publicReason: text("public_reason").notNull(),
    actorRole: text("actor_role").notNull(),
    /** random, hashed with the content so that an anonymised target cannot be guessed back from content_hash */
    nonce: text("nonce").notNull(),
    contentHash: text("content_hash").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    /** RSASSA-PKCS1-v1_5/SHA-256 of hash by the instance actor's key, base64 */
    signature: text("signature").notNull(),
    /** staff only, outside the hashed content: who acted (never published) */
    staffAccountId: snowflake("staff_account_id"),
  },
  (t) => [
    uniqueIndex("moderation_log_prev_uq").on(t.prevHash),
    index("moderation_log_action_idx").on(t.action, t.seq),
  ],
);

/** Federation allow/block list. */
export const domainPolicies = pgTable(
  "domain_policies",
  {
    domain: text("domain").primaryKey(),
    /** allow (allowlist mode), block (no federation: Mastodon's suspend), silence (federates, kept out of public timelines) */
    policy: text("policy").$type<"allow" | "block" | "silence">().notNull(),
    /** public reason */
    reason: text("reason").notNull().default(""),
    /** for staff only */
    privateComment: text("private_comment").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [check("domain_policies_policy_ck", sql`${t.policy} in ('allow', 'block', 'silence')`)],
);

/** Key pairs of local actors (residents and the instance actor), as JWK. */
export const actorKeys = pgTable(
  "actor_keys",
  {
    /** local account id, or 0 for the instance actor */
    accountId: snowflake("account_id").notNull(),
    algorithm: text("algorithm").$type<"RSASSA-PKCS1-v1_5" | "Ed25519">().notNull(),
    publicKey: jsonb("public_key").$type<JsonWebKey>().notNull(),
    privateKey: jsonb("private_key").$type<JsonWebKey>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.algorithm] })],
);

/** Public keys of remote actors, by key id. */
export const remoteKeys = pgTable(
  "remote_keys",
  {
    keyId: text("key_id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    publicKeyPem: text("public_key_pem"),
    publicKeyJwk: jsonb("public_key_jwk").$type<JsonWebKey>(),
    fetchedAt: ts("fetched_at").notNull().defaultNow(),
  },
  (t) => [index("remote_keys_account_idx").on(t.accountId)],
);

/**
 * Domain events recorded in the transaction of the write that publishes them
 * (server/event-journal.ts): a row lives until every subscriber has handled the
 * event, so a crash between the commit and, say, queueing the delivery loses
 * nothing — the event is published again at the next start.
 */
export const eventJournal = pgTable(
  "event_journal",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: createdAt(),
    /** set while a process replays it */
    claimedUntil: ts("claimed_until"),
    /** replays so far: an event still failing after many is given up (and logged) */
    replays: integer("replays").notNull().default(0),
  },
  (t) => [index("event_journal_created_idx").on(t.createdAt)],
);

/** Fedify key-value store on our own database. */
export const fedifyKv = pgTable(
  "fedify_kv",
  {
    key: text("key").primaryKey(),
    value: jsonb("value").notNull(),
    expiresAt: ts("expires_at"),
  },
  (t) => [index("fedify_kv_expires_idx").on(t.expiresAt)],
);

/** Fedify message queue on our own database: at-least-once, survives restarts. */
export const fedifyQueue = pgTable(
  "fedify_queue",
  {
    id: snowflake("id").primaryKey(),
    queue: text("queue").notNull().default("default"),
    message: jsonb("message").notNull(),
    orderingKey: text("ordering_key"),
    deliverAfter: ts("deliver_after").notNull().defaultNow(),
    lockedUntil: ts("locked_until"),
    attempts: integer("attempts").notNull().default(0),
    /** claims that found the message still leased by a worker that never finished it (a crash, a blocked process) */
    abandoned: integer("abandoned").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index("fedify_queue_ready_idx").on(t.queue, t.deliverAfter),
    index("fedify_queue_ordering_idx").on(t.queue, t.orderingKey, t.id).where(sql`${t.orderingKey} is not null`),
  ],
);

/**
 * Queue messages given up on, kept for admins to look at: a handler that kept
 * failing, a message whose workers kept dying or blocking on it, or one beyond
 * the size limits. Never claimed again; pruned after 30 days.
 */
export const fedifyDeadLetters = pgTable(
  "fedify_dead_letters",
  {
    /** the message's id in fedify_queue */
    id: snowflake("id").primaryKey(),
    queue: text("queue").notNull(),
    message: jsonb("message").notNull(),
    attempts: integer("attempts").notNull(),
    reason: text("reason").notNull(),
    enqueuedAt: ts("enqueued_at").notNull(),
    failedAt: ts("failed_at").notNull().defaultNow(),
  },
  (t) => [index("fedify_dead_letters_failed_idx").on(t.failedAt)],
);

/**
 * Activities already processed (idempotency in the database, not only a
 * cache), keyed by the verified sender's origin as well as the id: an id
 * counts as seen only for the server that sent it, so nobody can use up
 * another server's ids (replaces processed_activities, keyed by id alone).
 */
export const receivedActivities = pgTable(
  "received_activities",
  {
    /** "https://host[:port]" of the actor whose signature was verified */
    origin: text("origin").notNull(),
    uri: text("uri").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.origin, t.uri] }), index("received_activities_received_idx").on(t.receivedAt)],
);

/** Remote inboxes that keep failing, surfaced to admins. */
export const deliveryFailures = pgTable("delivery_failures", {
  inboxUrl: text("inbox_url").primaryKey(),
  domain: text("domain").notNull(),
  failures: integer("failures").notNull().default(0),
  firstFailureAt: ts("first_failure_at").notNull().defaultNow(),
  lastFailureAt: ts("last_failure_at").notNull().defaultNow(),
  lastError: text("last_error").notNull().default(""),
  /** set once Fedify gave up retrying */
  abandonedAt: ts("abandoned_at"),
});

/** Reports (local, or Flag activities from remote servers) for moderators. */
export const reports = pgTable(
  "reports",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    statusIds: jsonb("status_ids").$type<string[]>().notNull().default([]),
    comment: text("comment").notNull().default(""),
    category: text("category").notNull().default("other"),
    uri: text("uri"),
    forwarded: boolean("forwarded").notNull().default(false),
    /** ids of the instance rules the reporter says were broken */
    ruleIds: jsonb("rule_ids").$type<string[]>().notNull().default([]),
    /** the staff member working on it */
    assignedAccountId: snowflake("assigned_account_id").references(() => accounts.id, { onDelete: "set null" }),
    /** resolved: when, and by whom */
    actionTakenAt: ts("action_taken_at"),
    actionTakenByAccountId: snowflake("action_taken_by_account_id").references(() => accounts.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("reports_uri_uq").on(t.uri),
    index("reports_target_idx").on(t.targetAccountId),
    index("reports_open_idx").on(t.id).where(sql`${t.actionTakenAt} is null`),
  ],
);

/**
 * Moderation actions taken on an account (Mastodon's account warnings, and
 * their lifting): an account's history for staff. One row per action.
 */
export const accountActions = pgTable(
  "account_actions",
  {
    id: snowflake("id").primaryKey(),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    action: text("action").$type<AccountActionKind>().notNull(),
    /** the reason written by the moderator */
    text: text("text").notNull().default(""),
    reportId: snowflake("report_id").references(() => reports.id, { onDelete: "set null" }),
    ruleIds: jsonb("rule_ids").$type<string[]>().notNull().default([]),
    byAccountId: snowflake("by_account_id").references(() => accounts.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("account_actions_target_idx").on(t.targetAccountId, t.id),
    check(
      "account_actions_action_ck",
      sql`${t.action} in ('none', 'sensitive', 'disable', 'silence', 'suspend', 'unsensitive', 'enable', 'unsilence', 'unsuspend')`,
    ),
  ],
);

/** Staff notes on an account or on a report (never shown to residents). */
export const moderationNotes = pgTable(
  "moderation_notes",
  {
    id: snowflake("id").primaryKey(),
    targetAccountId: snowflake("target_account_id").references(() => accounts.id, { onDelete: "cascade" }),
    reportId: snowflake("report_id").references(() => reports.id, { onDelete: "cascade" }),
    authorAccountId: snowflake("author_account_id").references(() => accounts.id, { onDelete: "set null" }),
    content: text("content").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("moderation_notes_account_idx").on(t.targetAccountId),
    index("moderation_notes_report_idx").on(t.reportId),
    check("moderation_notes_one_target_ck", sql`(${t.targetAccountId} is null) <> (${t.reportId} is null)`),
  ],
);

/** Move activities received, recorded for moderators and for followers' information. */
export const accountMoves = pgTable(
  "account_moves",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetUri: text("target_uri").notNull(),
    activityUri: text("activity_uri"),
    createdAt: createdAt(),
  },
  (t) => [index("account_moves_account_idx").on(t.accountId)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/** Large real-time payloads passed between processes by the socket.io PostgreSQL adapter. */
export const socketIoAttachments = pgTable("socket_io_attachments", {
  id: bigserial("id", { mode: "number" }).unique(),
  createdAt: ts("created_at").defaultNow(),
  payload: bytea("payload"),
});

/** A resident's lists of accounts (GET /api/v1/lists), each with its own timeline. */
export const lists = pgTable(
  "lists",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** which replies the list timeline shows: "followed", "list" or "none" */
    repliesPolicy: text("replies_policy").$type<"followed" | "list" | "none">().notNull().default("list"),
    /** members' posts are kept out of the home timeline */
    exclusive: boolean("exclusive").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index("lists_account_idx").on(t.accountId, t.id),
    check("lists_replies_policy_ck", sql`${t.repliesPolicy} in ('followed', 'list', 'none')`),
  ],
);

export const listAccounts = pgTable(
  "list_accounts",
  {
    id: snowflake("id").primaryKey(),
    listId: snowflake("list_id")
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
  },
  (t) => [uniqueIndex("list_accounts_pair_uq").on(t.listId, t.accountId), index("list_accounts_account_idx").on(t.accountId)],
);

export type FilterContext = "home" | "notifications" | "public" | "thread" | "account";

/** Filters v2 (GET /api/v2/filters): keywords and statuses hidden or warned about in some contexts. */
export const filters = pgTable(
  "filters",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    context: jsonb("context").$type<FilterContext[]>().notNull(),
    action: text("action").$type<"warn" | "hide">().notNull().default("warn"),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [index("filters_account_idx").on(t.accountId), check("filters_action_ck", sql`${t.action} in ('warn', 'hide')`)],
);

export const filterKeywords = pgTable(
  "filter_keywords",
  {
    id: snowflake("id").primaryKey(),
    filterId: snowflake("filter_id")
      .notNull()
      .references(() => filters.id, { onDelete: "cascade" }),
    keyword: text("keyword").notNull(),
    wholeWord: boolean("whole_word").notNull().default(true),
  },
  (t) => [index("filter_keywords_filter_idx").on(t.filterId)],
);

export const filterStatuses = pgTable(
  "filter_statuses",
  {
    id: snowflake("id").primaryKey(),
    filterId: snowflake("filter_id")
      .notNull()
      .references(() => filters.id, { onDelete: "cascade" }),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
  },
  (t) => [uniqueIndex("filter_statuses_pair_uq").on(t.filterId, t.statusId)],
);

/** Hashtags a resident follows: their posts appear in the home timeline. */
export const tagFollows = pgTable(
  "tag_follows",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    tagId: snowflake("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tag_follows_pair_uq").on(t.accountId, t.tagId), index("tag_follows_tag_idx").on(t.tagId)],
);

/** Hashtags a resident features on their profile. */
export const featuredTags = pgTable(
  "featured_tags",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    tagId: snowflake("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("featured_tags_pair_uq").on(t.accountId, t.tagId)],
);

/** Reading positions saved by apps (GET/POST /api/v1/markers). */
export const markers = pgTable(
  "markers",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    timeline: text("timeline").$type<"home" | "notifications">().notNull(),
    lastReadId: text("last_read_id").notNull(),
    version: integer("version").notNull().default(1),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.timeline] }), check("markers_timeline_ck", sql`${t.timeline} in ('home', 'notifications')`)],
);

/** The thread each direct status belongs to (its conversation). */
export const statusConversations = pgTable(
  "status_conversations",
  {
    statusId: snowflake("status_id")
      .primaryKey()
      .references(() => statuses.id, { onDelete: "cascade" }),
    conversationId: snowflake("conversation_id").notNull(),
  },
  (t) => [index("status_conversations_conversation_idx").on(t.conversationId)],
);

/** A local participant's view of a direct conversation (GET /api/v1/conversations). */
export const accountConversations = pgTable(
  "account_conversations",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    conversationId: snowflake("conversation_id").notNull(),
    /** the other participants */
    participantIds: jsonb("participant_ids").$type<string[]>().notNull().default([]),
    lastStatusId: snowflake("last_status_id").references(() => statuses.id, { onDelete: "set null" }),
    unread: boolean("unread").notNull().default(false),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("account_conversations_pair_uq").on(t.accountId, t.conversationId),
    index("account_conversations_account_idx").on(t.accountId, t.lastStatusId),
  ],
);

/** Accounts a resident dismissed from their follow suggestions. */
export const suggestionDismissals = pgTable(
  "suggestion_dismissals",
  {
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    targetAccountId: snowflake("target_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.targetAccountId] })],
);

/** A status's poll (local or remote). Local tallies are counted from poll_votes; remote ones come from its server. */
export const polls = pgTable(
  "polls",
  {
    id: snowflake("id").primaryKey(),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** option titles (plain text) */
    options: jsonb("options").$type<string[]>().notNull(),
    multiple: boolean("multiple").notNull().default(false),
    hideTotals: boolean("hide_totals").notNull().default(false),
    expiresAt: ts("expires_at"),
    /** remote polls: votes per option as their server last said */
    cachedTallies: jsonb("cached_tallies").$type<number[]>().notNull().default([]),
    /** remote polls: voters as their server last said */
    votersCount: integer("voters_count"),
    /** set once the poll-ended notifications went out */
    endedNotifiedAt: ts("ended_notified_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("polls_status_uq").on(t.statusId),
    index("polls_expiring_idx").on(t.expiresAt).where(sql`${t.endedNotifiedAt} is null and ${t.expiresAt} is not null`),
  ],
);

/** One chosen option of one voter (several rows for a multiple-choice poll). */
export const pollVotes = pgTable(
  "poll_votes",
  {
    id: snowflake("id").primaryKey(),
    pollId: snowflake("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    choice: integer("choice").notNull(),
    /** ActivityPub id of the vote (the Note naming the option) */
    uri: text("uri"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("poll_votes_choice_uq").on(t.pollId, t.accountId, t.choice),
    uniqueIndex("poll_votes_uri_uq").on(t.uri),
    index("poll_votes_account_idx").on(t.accountId),
    check("poll_votes_choice_ck", sql`${t.choice} >= 0`),
  ],
);

export interface ScheduledStatusParams {
  text: string;
  visibility: Visibility;
  spoiler_text: string;
  sensitive: boolean;
  in_reply_to_id: string | null;
  language: string | null;
  media_ids: string[];
  poll: { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } | null;
  application_id: string | null;
  /** Parvis: the place published with it (absent in rows stored before places) */
  parvis_place?: { latitude: number; longitude: number; name: string | null } | null;
}

/** Statuses to publish later (POST /api/v1/statuses with scheduled_at); published by a durable job. */
export const scheduledStatuses = pgTable(
  "scheduled_statuses",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    scheduledAt: ts("scheduled_at").notNull(),
    params: jsonb("params").$type<ScheduledStatusParams>().notNull(),
    /** failed publication attempts (a status that can no longer be posted is given up) */
    attempts: integer("attempts").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("scheduled_statuses_due_idx").on(t.scheduledAt), index("scheduled_statuses_account_idx").on(t.accountId, t.id)],
);

/** The commune's official announcements, written by admins. */
export const announcements = pgTable(
  "announcements",
  {
    id: snowflake("id").primaryKey(),
    /** what the admin typed */
    text: text("text").notNull(),
    /** sanitized HTML rendered from text */
    content: text("content").notNull(),
    startsAt: ts("starts_at"),
    endsAt: ts("ends_at"),
    allDay: boolean("all_day").notNull().default(false),
    /** when it shows (or will show) to residents; null for a draft */
    publishedAt: ts("published_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("announcements_published_idx").on(t.publishedAt)],
);

/** Announcements a resident dismissed (marked read). */
export const announcementReads = pgTable(
  "announcement_reads",
  {
    announcementId: snowflake("announcement_id")
      .notNull()
      .references(() => announcements.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.announcementId, t.accountId] })],
);

/** Unicode emoji reactions of residents to announcements. */
export const announcementReactions = pgTable(
  "announcement_reactions",
  {
    announcementId: snowflake("announcement_id")
      .notNull()
      .references(() => announcements.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.announcementId, t.accountId, t.name] }), index("announcement_reactions_idx").on(t.announcementId)],
);

export interface PushAlerts {
  mention: boolean;
  status: boolean;
  reblog: boolean;
  follow: boolean;
  follow_request: boolean;
  favourite: boolean;
  poll: boolean;
  update: boolean;
  "admin.sign_up": boolean;
  "admin.report": boolean;
}

/** Web Push subscriptions, one per access token as in Mastodon. */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: snowflake("id").primaryKey(),
    accessTokenId: snowflake("access_token_id")
      .notNull()
      .references(() => accessTokens.id, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull(),
    keyP256dh: text("key_p256dh").notNull(),
    keyAuth: text("key_auth").notNull(),
    alerts: jsonb("alerts").$type<PushAlerts>().notNull(),
    policy: text("policy").$type<"all" | "followed" | "follower" | "none">().notNull().default("all"),
    /** standard RFC 8291 encryption (aes128gcm); false: the legacy draft (aesgcm) older apps expect, as Mastodon */
    standard: boolean("standard").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("push_subscriptions_token_uq").on(t.accessTokenId),
    index("push_subscriptions_account_idx").on(t.accountId),
    check("push_subscriptions_policy_ck", sql`${t.policy} in ('all', 'followed', 'follower', 'none')`),
  ],
);

/** Admin decisions on trends (the review switch): a tag name, a link URL or a status id. */
export const trendReviews = pgTable(
  "trend_reviews",
  {
    kind: text("kind").$type<"tag" | "link" | "status">().notNull(),
    key: text("key").notNull(),
    decision: text("decision").$type<"approved" | "rejected">().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.key] }),
    check("trend_reviews_kind_ck", sql`${t.kind} in ('tag', 'link', 'status')`),
    check("trend_reviews_decision_ck", sql`${t.decision} in ('approved', 'rejected')`),
  ],
);

export type GroupKind = "neighbourhood" | "vigilance" | "association" | "topic";
export type GroupRole = "admin" | "moderator" | "member";

/**
 * Groups (docs/adr/0020-groups-are-accounts.md): every group is an account row
 * (actor_type 'Group', its slug as username, its name and description as
 * display_name and note) and this row holds what only a group has. Remote groups
 * (a Lemmy community, a Mobilizon group, another Parvis's group) get one too,
 * with the collections their server told us of.
 */
export const groups = pgTable(
  "groups",
  {
    accountId: snowflake("account_id")
      .primaryKey()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text("kind").$type<GroupKind>().notNull(),
    /** plain text, shown before joining */
    charter: text("charter").notNull().default(""),
    /** raised each time the charter's text changes: acceptances name the version they accepted */
    charterVersion: integer("charter_version").notNull().default(1),
    /** a neighbourhood's name (a map area later) */
    area: text("area"),
    /** who reads its posts: anyone, or its members only */
    visibility: text("visibility").$type<"public" | "members">().notNull().default("public"),
    /** joining: at once, or once a moderator approved the request */
    membership: text("membership").$type<"open" | "approval">().notNull().default("open"),
    /** who posts: every member, or moderators only (an announcement channel) */
    posting: text("posting").$type<"members" | "moderators">().notNull().default("members"),
    createdById: snowflake("created_by_id").references(() => accounts.id, { onDelete: "set null" }),
    /** a remote group's members and moderators collections (FEP-1b12), null for local groups */
    membersUrl: text("members_url"),
    moderatorsUrl: text("moderators_url"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("groups_kind_idx").on(t.kind, t.accountId),
    check("groups_kind_ck", sql`${t.kind} in ('neighbourhood', 'vigilance', 'association', 'topic')`),
    check("groups_visibility_ck", sql`${t.visibility} in ('public', 'members')`),
    check("groups_membership_ck", sql`${t.membership} in ('open', 'approval')`),
    check("groups_posting_ck", sql`${t.posting} in ('members', 'moderators')`),
    check("groups_charter_version_ck", sql`${t.charterVersion} >= 1`),
  ],
);

/** Who belongs to a group, with which role; a pending row is a join request. */
export const groupMemberships = pgTable(
  "group_memberships",
  {
    id: snowflake("id").primaryKey(),
    groupId: snowflake("group_id")
      .notNull()
      .references(() => groups.accountId, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    role: text("role").$type<GroupRole>().notNull().default("member"),
    state: text("state").$type<"pending" | "active">().notNull(),
    /** when the member accepted the charter, and which version (vigilance groups require it) */
    charterAcceptedAt: ts("charter_accepted_at"),
    charterVersion: integer("charter_version"),
    /** the Follow activity of a remote member (federation) */
    uri: text("uri"),
    createdAt: createdAt(),
    /** when the request was approved (or the member joined) */
    joinedAt: ts("joined_at"),
  },
  (t) => [
    uniqueIndex("group_memberships_pair_uq").on(t.groupId, t.accountId),
    // "is this viewer a member": the visibility rule asks it of every group post it reads
    index("group_memberships_account_idx").on(t.accountId, t.groupId).where(sql`${t.state} = 'active'`),
    index("group_memberships_group_idx").on(t.groupId, t.state, t.id),
    check("group_memberships_role_ck", sql`${t.role} in ('admin', 'moderator', 'member')`),
    check("group_memberships_state_ck", sql`${t.state} in ('pending', 'active')`),
    // a request carries no role yet, and an active membership has its date
    check("group_memberships_pending_ck", sql`${t.state} = 'active' or ${t.role} = 'member'`),
    check("group_memberships_joined_ck", sql`(${t.state} = 'active') = (${t.joinedAt} is not null)`),
    check("group_memberships_charter_ck", sql`(${t.charterAcceptedAt} is null) = (${t.charterVersion} is null)`),
  ],
);

/** Accounts banned from a group: they may not join again nor post in it. */
export const groupBans = pgTable(
  "group_bans",
  {
    id: snowflake("id").primaryKey(),
    groupId: snowflake("group_id")
      .notNull()
      .references(() => groups.accountId, { onDelete: "cascade" }),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    bannedById: snowflake("banned_by_id").references(() => accounts.id, { onDelete: "set null" }),
    reason: text("reason").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("group_bans_pair_uq").on(t.groupId, t.accountId), index("group_bans_group_idx").on(t.groupId, t.id)],
);

/** Posts a group's moderators pinned at the top of its page. */
export const groupPins = pgTable(
  "group_pins",
  {
    groupId: snowflake("group_id")
      .notNull()
      .references(() => groups.accountId, { onDelete: "cascade" }),
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    pinnedById: snowflake("pinned_by_id").references(() => accounts.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.statusId] })],
);

/**
 * A remote member's post in one of our members-only groups: the Create (and the
 * latest Update) its author signed with an object integrity proof (FEP-8b32),
 * kept as received (text, so that nothing is reordered or renormalised) for the
 * group to pass on embedded in its Announce: a third server cannot fetch a
 * members-only post from its author's server, but can verify the author's proof
 * (ADR 0024). Gone with the post.
 */
export const groupSignedActivities = pgTable(
  "group_signed_activities",
  {
    statusId: snowflake("status_id")
      .notNull()
      .references(() => statuses.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"Create" | "Update">().notNull(),
    /** the activity's JSON, exactly as its author's server sent it */
    activity: text("activity").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.statusId, t.kind] }), check("group_signed_activities_kind_ck", sql`${t.kind} in ('Create', 'Update')`)],
);

/** Posts removed by a group's moderators: who removed what and why (the group's moderation log). */
export const groupRemovals = pgTable(
  "group_removals",
  {
    id: snowflake("id").primaryKey(),
    groupId: snowflake("group_id")
      .notNull()
      .references(() => groups.accountId, { onDelete: "cascade" }),
    /** the status is gone: its id, uri and author are kept */
    statusId: snowflake("status_id").notNull(),
    statusUri: text("status_uri").notNull(),
    authorId: snowflake("author_id").references(() => accounts.id, { onDelete: "set null" }),
    removedById: snowflake("removed_by_id").references(() => accounts.id, { onDelete: "set null" }),
    reason: text("reason").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [index("group_removals_group_idx").on(t.groupId, t.id)],
);

export type DataJobState = "queued" | "running" | "ready" | "failed";

/**
 * A resident's archive of their data (RGPD portability), built by a durable
 * background job: a row left "running" past its lease (the process died) is
 * taken up again from the start by the next run.
 */
export const dataExports = pgTable(
  "data_exports",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    state: text("state").$type<DataJobState>().notNull().default("queued"),
    /** what the job is writing now (statuses, media…) and how far it got, for the progress shown */
    step: text("step").notNull().default(""),
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    /** archive size in bytes once ready */
    size: bigint("size", { mode: "number" }),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    /** a running job renews this while it works; past it, the job is considered dead */
    leaseUntil: ts("lease_until"),
    createdAt: createdAt(),
    finishedAt: ts("finished_at"),
    /** the archive is deleted (file and row) after this */
    expiresAt: ts("expires_at"),
  },
  (t) => [
    index("data_exports_account_idx").on(t.accountId, t.id.desc()),
    index("data_exports_pending_idx").on(t.id).where(sql`${t.state} in ('queued', 'running')`),
    check("data_exports_state_ck", sql`${t.state} in ('queued', 'running', 'ready', 'failed')`),
  ],
);

export type DataImportType = "following" | "blocks" | "mutes" | "bookmarks";

/** A CSV file a resident imported (Mastodon's export format); its lines are worked by a durable job. */
export const dataImports = pgTable(
  "data_imports",
  {
    id: snowflake("id").primaryKey(),
    accountId: snowflake("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type").$type<DataImportType>().notNull(),
    mode: text("mode").$type<"merge" | "overwrite">().notNull(),
    state: text("state").$type<DataJobState>().notNull().default("queued"),
    total: integer("total").notNull().default(0),
    /** lines handled so far, whatever their outcome */
    processed: integer("processed").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    leaseUntil: ts("lease_until"),
    createdAt: createdAt(),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    index("data_imports_account_idx").on(t.accountId, t.id.desc()),
    index("data_imports_pending_idx").on(t.id).where(sql`${t.state} in ('queued', 'running')`),
    check("data_imports_type_ck", sql`${t.type} in ('following', 'blocks', 'mutes', 'bookmarks')`),
    check("data_imports_mode_ck", sql`${t.mode} in ('merge', 'overwrite')`),
    check("data_imports_state_ck", sql`${t.state} in ('queued', 'running', 'ready', 'failed')`),
  ],
);

/** One line of an imported CSV file and what became of it. */
export const dataImportRows = pgTable(
  "data_import_rows",
  {
    importId: snowflake("import_id")
      .notNull()
      .references(() => dataImports.id, { onDelete: "cascade" }),
    /** its line number in the file (1 = first line) */
    line: integer("line").notNull(),
    /** the account address (user@domain) or, for bookmarks, the post's URL */
    target: text("target").notNull(),
    /** the line's other columns (show boosts, notify, languages, hide notifications) */
    options: jsonb("options").$type<Record<string, unknown>>().notNull().default({}),
    state: text("state").$type<"pending" | "done" | "error">().notNull().default("pending"),
    /** why a line failed: invalid, not_found, unreachable, forbidden */
    error: text("error"),
    /** the account or status it resolved to */
    resolvedId: snowflake("resolved_id"),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.line] }),
    check("data_import_rows_state_ck", sql`${t.state} in ('pending', 'done', 'error')`),
  ],
);

export type ObservationKind = "camera" | "issue";
export type ObservationState = "present" | "gone_proposed" | "gone";
export type ObservationAction = "created" | "corrected" | "confirmed" | "gone_proposed" | "gone_confirmed" | "gone_rejected";

/**
 * An observation (a surveillance camera, a civic issue) is a status with a
 * place and structured fields: this row holds what only an observation has.
 * Its point is the status's place, repeated here so that the map's bounding
 * box query reads one table. Remote observations (federated by another Parvis)
 * get a row too; their origin is their status's author's domain.
 */
export const observations = pgTable(
  "observations",
  {
    statusId: snowflake("status_id")
      .primaryKey()
      .references(() => statuses.id, { onDelete: "cascade" }),
    kind: text("kind").$type<ObservationKind>().notNull(),
    latitude: doublePrecision("latitude").notNull(),
    longitude: doublePrecision("longitude").notNull(),
    /** OpenStreetMap keys and values (surveillance:type, camera:direction, operator…) */
    tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
    state: text("state").$type<ObservationState>().notNull().default("present"),
    /** an imported OpenStreetMap element ("node/123"): a re-import updates it rather than adding another */
    osmId: text("osm_id"),
    /** the last "still there" (or the creation), and how many residents confirmed it */
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    confirmationsCount: integer("confirmations_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // the map and the open data read by bounding box
    index("observations_point_idx").on(t.latitude, t.longitude),
    index("observations_kind_idx").on(t.kind, t.statusId.desc()),
    uniqueIndex("observations_osm_uq").on(t.osmId).where(sql`${t.osmId} is not null`),
    check("observations_kind_ck", sql`${t.kind} in ('camera', 'issue')`),
    check("observations_state_ck", sql`${t.state} in ('present', 'gone_proposed', 'gone')`),
    check("observations_range_ck", sql`${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180`),
    check("observations_confirmations_ck", sql`${t.confirmationsCount} >= 0`),
  ],
);

/** An observation's history: created, corrected, confirmed ("still there"), proposed gone, gone. */
export const observationEvents = pgTable(
  "observation_events",
  {
    id: snowflake("id").primaryKey(),
    observationId: snowflake("observation_id")
      .notNull()
      .references(() => observations.statusId, { onDelete: "cascade" }),
    /** who did it; null once their account is gone, or for the instance (an import) */
    accountId: snowflake("account_id").references(() => accounts.id, { onDelete: "set null" }),
    action: text("action").$type<ObservationAction>().notNull(),
    /** what a correction changed: { field: [before, after] } */
    changes: jsonb("changes").$type<Record<string, unknown>>().notNull().default({}),
    /** the day the resident saw it (a confirmation), defaults to when it was recorded */
    seenAt: ts("seen_at"),
    /** the ActivityPub activity it came as, for a remote event (idempotence) */
    uri: text("uri"),
    createdAt: createdAt(),
  },
  (t) => [
    index("observation_events_observation_idx").on(t.observationId, t.id),
    uniqueIndex("observation_events_uri_uq").on(t.uri).where(sql`${t.uri} is not null`),
    // one "still there" per resident per day
    uniqueIndex("observation_events_confirm_uq")
      .on(t.observationId, t.accountId, sql`((${t.seenAt} at time zone 'UTC')::date)`)
      .where(sql`${t.action} = 'confirmed'`),
    check(
      "observation_events_action_ck",
      sql`${t.action} in ('created', 'corrected', 'confirmed', 'gone_proposed', 'gone_confirmed', 'gone_rejected')`,
    ),
  ],
);
