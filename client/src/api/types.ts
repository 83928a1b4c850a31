// Mastodon client API entities, as much of them as the web client reads.
// Field names follow https://docs.joinmastodon.org/entities/ exactly.

export type Visibility = "public" | "unlisted" | "private" | "direct";

export interface Field {
  name: string;
  value: string;
  verified_at?: string | null;
}

export interface Account {
  /** a group's account (Parvis groups, Lemmy communities…) */
  group?: boolean;
  id: string;
  username: string;
  /** "alice" for a local account, "alice@other-commune.fr" for a remote one */
  acct: string;
  display_name: string;
  locked: boolean;
  bot?: boolean;
  created_at: string;
  /** server-sanitized HTML */
  note: string;
  url: string;
  avatar: string;
  avatar_static?: string;
  header?: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at?: string | null;
  fields: Field[];
  /** local staff roles ("Admin", "Moderator") */
  roles?: { id: string; name: string }[];
  /** the account this one moved to */
  moved?: Account | null;
}

export interface CredentialAccount extends Account {
  source?: {
    note: string;
    fields: Field[];
    privacy?: Visibility;
    sensitive?: boolean;
    language?: string | null;
    follow_requests_count?: number;
  };
  role?: { id?: string; name: string } | null;
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface Tag {
  name: string;
  url: string;
  following?: boolean;
  history?: { day: string; uses: string; accounts: string }[];
}

export interface MediaAttachment {
  id: string;
  type: "image" | "gifv" | "video" | "audio" | "unknown";
  url: string;
  preview_url: string | null;
  remote_url?: string | null;
  description: string | null;
  blurhash?: string | null;
  meta?: {
    original?: { width?: number; height?: number; aspect?: number };
    small?: { width?: number; height?: number; aspect?: number };
    focus?: { x: number; y: number };
  } | null;
}

export interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: Account;
  /** server-sanitized HTML */
  content: string;
  visibility: Visibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaAttachment[];
  mentions: Mention[];
  tags: Tag[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: Status | null;
  language: string | null;
  poll?: Poll | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  /** the viewer's filters this status matches (warn: shown behind a notice) */
  filtered?: FilterResult[];
  /** Parvis: the group it was posted in */
  parvis_group?: StatusGroup;
  /** Parvis: the place its author published with it (null: none; absent from older servers) */
  parvis_place?: StatusPlace | null;
  /** Parvis: an observation's structured fields (a camera, a civic issue) */
  parvis_observation?: StatusObservation | null;
}

/** A point on the map, with an optional name ("Place de la Mairie"). */
export type Place = StatusPlace;

export interface StatusPlace {
  latitude: number;
  longitude: number;
  name: string | null;
}

export type ObservationKind = "camera" | "issue";
export type ObservationState = "present" | "gone_proposed" | "gone";

export interface StatusObservation {
  kind: ObservationKind;
  /** OpenStreetMap keys and values */
  tags: Record<string, string>;
  state: ObservationState;
  last_seen_at: string;
  confirmations_count: number;
}

export interface StatusGroup {
  id: string;
  slug: string;
  acct: string;
  name: string;
  url: string;
  visibility: "public" | "members";
}

export type GroupKind = "neighbourhood" | "vigilance" | "association" | "topic";
export type GroupRole = "admin" | "moderator" | "member";

export interface GroupRelationship {
  state: "active" | "pending" | null;
  role: GroupRole | null;
  banned: boolean;
  charter_version: number | null;
  charter_accepted_at: string | null;
  can_post: boolean;
  can_moderate: boolean;
  can_administer: boolean;
}

export interface Group {
  id: string;
  slug: string;
  acct: string;
  name: string;
  description: string;
  description_source: string;
  kind: GroupKind;
  charter: string;
  charter_version: number;
  area: string | null;
  visibility: "public" | "members";
  membership: "open" | "approval";
  posting: "members" | "moderators";
  members_count: number;
  local: boolean;
  url: string;
  created_at: string;
  account: Account;
  relationship: GroupRelationship | null;
}

export interface GroupInput {
  slug?: string;
  name?: string;
  kind?: GroupKind;
  description?: string;
  charter?: string;
  area?: string | null;
  visibility?: "public" | "members";
  membership?: "open" | "approval";
  posting?: "members" | "moderators";
}

export interface GroupMember {
  id: string;
  role: GroupRole;
  state: "active" | "pending";
  joined_at: string | null;
  requested_at: string;
  charter_version?: number | null;
  charter_accepted_at?: string | null;
  account: Account;
}

export interface GroupBan {
  id: string;
  reason: string;
  created_at: string;
  account: Account;
}

export interface Poll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: { title: string; votes_count: number | null }[];
  voted?: boolean;
  own_votes?: number[];
}

export interface ScheduledStatus {
  id: string;
  scheduled_at: string;
  params: { text: string; visibility: Visibility; spoiler_text: string | null; poll: { options: string[] } | null };
}

export interface AnnouncementReaction {
  name: string;
  count: number;
  me: boolean;
}

export interface Announcement {
  id: string;
  /** server-sanitized HTML */
  content: string;
  starts_at: string | null;
  ends_at: string | null;
  all_day: boolean;
  published: boolean;
  published_at: string | null;
  updated_at: string;
  read: boolean;
  reactions: AnnouncementReaction[];
  /** admin view only */
  text?: string;
  scheduled_at?: string | null;
  shown?: boolean;
}

export interface TrendHistory {
  day: string;
  uses: string;
  accounts: string;
}

export interface TrendTag {
  name: string;
  url: string;
  history: TrendHistory[];
}

export interface TrendLink {
  url: string;
  title: string;
  provider_name: string;
  history: TrendHistory[];
}

export interface StatusSource {
  id: string;
  text: string;
  spoiler_text: string;
}

export interface StatusEdit {
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  created_at: string;
  account: Account;
}

export interface Context {
  ancestors: Status[];
  descendants: Status[];
}

export interface Relationship {
  id: string;
  following: boolean;
  showing_reblogs?: boolean;
  notifying?: boolean;
  followed_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
  muting: boolean;
  muting_notifications?: boolean;
  requested: boolean;
  requested_by?: boolean;
  domain_blocking?: boolean;
  endorsed?: boolean;
  note?: string;
}

export type NotificationType =
  | "mention"
  | "status"
  | "reblog"
  | "follow"
  | "follow_request"
  | "favourite"
  | "poll"
  | "update"
  | "admin.sign_up"
  | "admin.report"
  | "parvis.group_request"
  | "parvis.group_approved"
  | "parvis.group_promoted";

export interface Notification {
  id: string;
  type: NotificationType | string;
  created_at: string;
  account: Account;
  status?: Status | null;
  /** Parvis: the group a parvis.group_* notification is about (null: gone) */
  parvis_group?: StatusGroup | null;
}

export interface Rule {
  id: string;
  text: string;
  hint?: string;
}

export interface Instance {
  domain: string;
  title: string;
  version?: string;
  description: string;
  languages?: string[];
  configuration?: {
    statuses?: {
      max_characters?: number;
      max_media_attachments?: number;
      characters_reserved_per_url?: number;
    };
    polls?: {
      max_options?: number;
      max_characters_per_option?: number;
    };
  };
  registrations: {
    enabled: boolean;
    approval_required: boolean;
    message?: string | null;
  };
  contact?: {
    email?: string | null;
    account?: Account | null;
  };
  rules: Rule[];
  /** Parvis extension: the commune this instance serves */
  parvis?: {
    commune_name?: string;
    insee_code?: string;
    /** plain text, paragraphs separated by blank lines */
    charter?: string | null;
    /** who may create groups: every resident, or the instance's admins only */
    group_creation?: "everyone" | "admins";
  };
}

export interface SearchResults {
  accounts: Account[];
  statuses: Status[];
  hashtags: Tag[];
}

export interface WebSession {
  id: string;
  /** "web" for a browser session; apps have their name in `app` */
  kind?: string;
  app?: string | null;
  created_at: string;
  last_used_at: string | null;
  user_agent: string | null;
  current: boolean;
}

/** Shape of the JSON body of POST /api/v1/accounts */
export interface RegistrationInput {
  username: string;
  password: string;
  email?: string;
  agreement: true;
  locale: string;
  reason?: string;
}

export type RepliesPolicy = "followed" | "list" | "none";

export interface List {
  id: string;
  title: string;
  replies_policy: RepliesPolicy;
  exclusive: boolean;
}

export type FilterContext = "home" | "notifications" | "public" | "thread" | "account";

export interface FilterKeyword {
  id: string;
  keyword: string;
  whole_word: boolean;
}

export interface Filter {
  id: string;
  title: string;
  context: FilterContext[];
  expires_at: string | null;
  filter_action: "warn" | "hide";
  keywords: FilterKeyword[];
  statuses: { id: string; status_id: string }[];
}

export interface FilterResult {
  filter: Filter;
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

export interface FilterInput {
  title: string;
  context: FilterContext[];
  filter_action: "warn" | "hide";
  expires_in: number | "";
  keywords_attributes: { id?: string; keyword?: string; whole_word?: boolean; _destroy?: boolean }[];
}

export interface Conversation {
  id: string;
  unread: boolean;
  /** the other participants */
  accounts: Account[];
  last_status: Status | null;
}

/** GET /api/parvis/moderation_log (docs/api.md "Moderation log") */
export interface ModerationLogEntry {
  id: string;
  created_at: string;
  action: string;
  /** admin, moderator or group_moderator: never a person's name */
  actor_role: string;
  target: { type: string; id: string | null; label: string | null; local: boolean; anonymised: boolean };
  rules: { id: string; text: string | null }[];
  public_reason: string;
  nonce: string | null;
  content_hash: string;
  prev_hash: string;
  hash: string;
  signature: string;
}

export interface ModerationLogVerification {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  first_broken: { seq: number; reason: string } | null;
  signature: "valid" | "invalid" | "no_key" | "empty";
}

export interface PrivacyPage {
  locale: "fr" | "en";
  sections: { id: string; title: string; paragraphs: string[] }[];
}

/** GET/PATCH /api/parvis/admin/settings */
export interface AdminSettings {
  registration_mode: "open" | "approval" | "closed";
  federation_mode: "open" | "allowlist";
  description: string;
  charter: string;
  contact_email: string;
  trends_review: boolean;
  moderation_log_anonymise: boolean;
  data_controller: string;
  group_creation: "everyone" | "admins";
  /** the open data's licence (SPDX identifier or URL) and attribution */
  open_data_license: string;
  open_data_attribution: string;
  /** where the map opens: [latitude, longitude], or null */
  map_center: [number, number] | null;
  map_zoom: number;
}

/** POST /api/parvis/admin/observations/import */
export interface ObservationImportReport {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** OpenStreetMap keys left out (not in the observation vocabulary), with how many times */
  dropped_tags: Record<string, number>;
  elements: { osm_id: string; result: "created" | "updated" | "unchanged" | "skipped"; id: string | null; reason: string | null }[];
}

// --- moderation

export type ReportCategory = "spam" | "legal" | "violation" | "other";

export interface ReportInput {
  account_id: string;
  status_ids: string[];
  comment: string;
  category: ReportCategory;
  rule_ids: string[];
  forward: boolean;
}

/** Mastodon's Report entity, as the reporter receives it */
export interface Report {
  id: string;
  category: ReportCategory;
  comment: string;
  forwarded: boolean;
  status_ids: string[];
  rule_ids: string[];
}

/** Mastodon's Admin::Account (staff only) */
export interface AdminAccount {
  id: string;
  username: string;
  domain: string | null;
  created_at: string;
  email: string | null;
  role: { id: string; name: string } | null;
  approved: boolean;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  sensitized: boolean;
  account: Account;
}

/** Mastodon's Admin::Report (staff only) */
export interface AdminReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: ReportCategory;
  comment: string;
  forwarded: boolean;
  created_at: string;
  account: AdminAccount | null;
  target_account: AdminAccount | null;
  assigned_account: AdminAccount | null;
  action_taken_by_account: AdminAccount | null;
  statuses: Status[];
  rules: Rule[];
}

export type AccountActionType = "none" | "sensitive" | "disable" | "silence" | "suspend";
export type LiftVerb = "unsilence" | "unsuspend" | "unsensitive" | "enable";

/** A moderation action in an account's history (Parvis) */
export interface AccountActionRecord {
  id: string;
  action: AccountActionType | LiftVerb;
  text: string;
  report_id: string | null;
  rule_ids: string[];
  by_account_id: string | null;
  created_at: string;
}

/** A staff note on an account or a report (Parvis) */
export interface ModerationNote {
  id: string;
  content: string;
  created_at: string;
  account: AdminAccount | null;
}

/** GET /api/parvis/account/export: the resident's latest archive. */
export type DataExport =
  | { state: "none" }
  | {
      id: string;
      state: "queued" | "running" | "ready" | "failed";
      step: "statuses" | "media" | null;
      progress: { done: number; total: number };
      size: number | null;
      created_at: string;
      finished_at: string | null;
      expires_at: string | null;
      download_url: string | null;
      error: string | null;
    };

export type DataImportType = "following" | "blocks" | "mutes" | "bookmarks";

export interface DataImport {
  id: string;
  type: DataImportType;
  mode: "merge" | "overwrite";
  state: "queued" | "running" | "ready" | "failed";
  total: number;
  processed: number;
  failed: number;
  created_at: string;
  finished_at: string | null;
}

export interface DataImportLine {
  line: number;
  target: string;
  state: "pending" | "done" | "error";
  error: "invalid" | "not_found" | "forbidden" | "self" | null;
}

export interface AccountAlias {
  uri: string;
  acct: string | null;
}
