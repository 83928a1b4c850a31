// Typed functions for every API endpoint the web client uses.
// Screens import from here, never call fetch themselves.
import { request, requestPage, uploadWithProgress, type Page } from "./http";
import type {
  Account,
  AccountActionRecord,
  AccountActionType,
  AdminAccount,
  AdminReport,
  LiftVerb,
  ModerationNote,
  Report,
  ReportInput,
  Announcement,
  Context,
  Conversation,
  Filter,
  FilterInput,
  Group,
  GroupBan,
  GroupInput,
  GroupKind,
  GroupMember,
  GroupRole,
  List,
  MediaAttachment,
  RepliesPolicy,
  Poll,
  ScheduledStatus,
  TrendLink,
  TrendTag,
  CredentialAccount,
  Instance,
  Notification,
  RegistrationInput,
  Relationship,
  Rule,
  SearchResults,
  Status,
  StatusEdit,
  StatusSource,
  Tag,
  Visibility,
  WebSession,
  ModerationLogEntry,
  ModerationLogVerification,
  PrivacyPage,
  AdminSettings,
  ObservationImportReport,
  DataExport,
  DataImport,
  DataImportLine,
  DataImportType,
  AccountAlias,
} from "./types";

export * from "./types";
export * from "./map";
export { ApiError, parseLinkHeader, type Page } from "./http";

const enc = encodeURIComponent;

async function data<T>(promise: Promise<{ data: T }>): Promise<T> {
  return (await promise).data;
}

export interface PageQuery {
  max_id?: string | null;
  min_id?: string | null;
  since_id?: string | null;
  limit?: number;
}

export interface NewStatus {
  status: string;
  visibility: Visibility;
  spoiler_text?: string;
  sensitive?: boolean;
  in_reply_to_id?: string;
  language?: string;
  poll?: { options: string[]; expires_in: number; multiple?: boolean };
  scheduled_at?: string;
  media_ids?: string[];
  /** Parvis: post in this group */
  group_id?: string;
  /** Parvis: the place the post is about */
  parvis_place?: { latitude: number; longitude: number; name?: string };
}

export interface AnnouncementInput {
  text: string;
  starts_at?: string | null;
  ends_at?: string | null;
  all_day?: boolean;
  published?: boolean;
  scheduled_at?: string | null;
}

export type TimelineKind = { kind: "home" } | { kind: "local" } | { kind: "federated" } | { kind: "tag"; tag: string };

export const api = {
  // --- instance
  instance: () => data(request<Instance>("GET", "/api/v2/instance")),
  rules: () => data(request<Rule[]>("GET", "/api/v1/instance/rules")),

  // --- web session (HttpOnly cookie + CSRF token)
  login: (username: string, password: string) =>
    data(request<{ account: CredentialAccount }>("POST", "/api/parvis/web/session", { json: { username, password } })),
  logout: () => data(request<unknown>("DELETE", "/api/parvis/web/session")),
  sessions: () => data(request<WebSession[]>("GET", "/api/parvis/web/sessions")),
  revokeSession: (id: string) => data(request<unknown>("DELETE", `/api/parvis/web/sessions/${enc(id)}`)),
  changePassword: (current_password: string, new_password: string) =>
    data(request<unknown>("POST", "/api/parvis/web/password", { json: { current_password, new_password } })),

  // --- data rights (Parvis extensions, docs/api.md)
  dataExport: () => data(request<DataExport>("GET", "/api/parvis/account/export")),
  requestDataExport: () => data(request<DataExport>("POST", "/api/parvis/account/export")),
  dataImports: () => data(request<DataImport[]>("GET", "/api/parvis/account/imports")),
  dataImport: (id: string, failedOnly = false) =>
    data(request<DataImport & { lines: DataImportLine[] }>("GET", `/api/parvis/account/import/${enc(id)}`, { query: { failed: failedOnly ? "true" : undefined, limit: 100 } })),
  startDataImport: (type: DataImportType, mode: "merge" | "overwrite", file: File) => {
    const form = new FormData();
    form.append("type", type);
    form.append("mode", mode);
    form.append("data", file);
    return data(request<DataImport>("POST", "/api/parvis/account/import", { form }));
  },
  aliases: () => data(request<AccountAlias[]>("GET", "/api/parvis/account/aliases")),
  addAlias: (acct: string) => data(request<AccountAlias[]>("POST", "/api/parvis/account/aliases", { json: { acct } })),
  removeAlias: (alias: string) => data(request<AccountAlias[]>("DELETE", "/api/parvis/account/aliases", { json: { alias } })),
  moveAccount: (targetAcct: string, password: string) => data(request<Account>("POST", "/api/parvis/account/move", { json: { target_acct: targetAcct, password } })),
  deleteAccount: (password: string) => data(request<{ deletion_due_at: string | null }>("POST", "/api/parvis/account/delete", { json: { password } })),
  cancelAccountDeletion: (username: string, password: string) =>
    data(request<unknown>("POST", "/api/parvis/account/delete/cancel", { json: { username, password } })),

  // --- accounts
  register: (input: RegistrationInput) => data(request<unknown>("POST", "/api/v1/accounts", { json: input })),
  verifyCredentials: () => data(request<CredentialAccount>("GET", "/api/v1/accounts/verify_credentials")),
  updateCredentials: (form: FormData) =>
    data(request<CredentialAccount>("PATCH", "/api/v1/accounts/update_credentials", { form })),
  account: (id: string) => data(request<Account>("GET", `/api/v1/accounts/${enc(id)}`)),
  lookup: (acct: string) => data(request<Account>("GET", "/api/v1/accounts/lookup", { query: { acct } })),
  accountStatuses: (id: string, page: PageQuery = {}) => requestPage<Status>(`/api/v1/accounts/${enc(id)}/statuses`, { ...page }),
  followers: (id: string, page: PageQuery = {}) => requestPage<Account>(`/api/v1/accounts/${enc(id)}/followers`, { ...page }),
  following: (id: string, page: PageQuery = {}) => requestPage<Account>(`/api/v1/accounts/${enc(id)}/following`, { ...page }),
  follow: (id: string) => data(request<Relationship>("POST", `/api/v1/accounts/${enc(id)}/follow`, { json: {} })),
  unfollow: (id: string) => data(request<Relationship>("POST", `/api/v1/accounts/${enc(id)}/unfollow`)),
  block: (id: string) => data(request<Relationship>("POST", `/api/v1/accounts/${enc(id)}/block`)),
  unblock: (id: string) => data(request<Relationship>("POST", `/api/v1/accounts/${enc(id)}/unblock`)),
  mute: (id: string) => data(request<Relationship>("POST", `/api/v1/accounts/${enc(id)}/mute`, { json: {} })),
  unmute: (id: string) => data(request<Relationship>("POST", `/api/v1/accounts/${enc(id)}/unmute`)),
  relationships: (ids: string[]) =>
    ids.length === 0
      ? Promise.resolve([] as Relationship[])
      : data(request<Relationship[]>("GET", "/api/v1/accounts/relationships", { query: { id: ids } })),
  searchAccounts: (q: string, limit = 5, signal?: AbortSignal) =>
    data(request<Account[]>("GET", "/api/v1/accounts/search", { query: { q, limit }, signal })),
  followRequests: (page: PageQuery = {}) => requestPage<Account>("/api/v1/follow_requests", { ...page }),
  authorizeFollowRequest: (id: string) =>
    data(request<Relationship>("POST", `/api/v1/follow_requests/${enc(id)}/authorize`)),
  rejectFollowRequest: (id: string) => data(request<Relationship>("POST", `/api/v1/follow_requests/${enc(id)}/reject`)),

  // --- media
  uploadMedia: (file: File, onProgress?: (fraction: number) => void, signal?: AbortSignal) => {
    const form = new FormData();
    form.append("file", file);
    return uploadWithProgress<MediaAttachment>("/api/v2/media", form, onProgress, signal);
  },
  updateMedia: (id: string, input: { description?: string | null; focus?: string | null }) =>
    data(request<MediaAttachment>("PUT", `/api/v1/media/${enc(id)}`, { json: input })),

  // --- statuses
  postStatus: (input: NewStatus, idempotencyKey?: string) =>
    data(
      request<Status>("POST", "/api/v1/statuses", {
        json: input,
        headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : undefined,
      }),
    ),
  editStatus: (id: string, input: { status: string; spoiler_text?: string; sensitive?: boolean; language?: string }) =>
    data(request<Status>("PUT", `/api/v1/statuses/${enc(id)}`, { json: input })),
  status: (id: string) => data(request<Status>("GET", `/api/v1/statuses/${enc(id)}`)),
  statusSource: (id: string) => data(request<StatusSource>("GET", `/api/v1/statuses/${enc(id)}/source`)),
  deleteStatus: (id: string) => data(request<Status>("DELETE", `/api/v1/statuses/${enc(id)}`)),
  context: (id: string) => data(request<Context>("GET", `/api/v1/statuses/${enc(id)}/context`)),
  history: (id: string) => data(request<StatusEdit[]>("GET", `/api/v1/statuses/${enc(id)}/history`)),
  favourite: (id: string) => data(request<Status>("POST", `/api/v1/statuses/${enc(id)}/favourite`)),
  unfavourite: (id: string) => data(request<Status>("POST", `/api/v1/statuses/${enc(id)}/unfavourite`)),
  reblog: (id: string) => data(request<Status>("POST", `/api/v1/statuses/${enc(id)}/reblog`, { json: {} })),
  unreblog: (id: string) => data(request<Status>("POST", `/api/v1/statuses/${enc(id)}/unreblog`)),
  bookmark: (id: string) => data(request<Status>("POST", `/api/v1/statuses/${enc(id)}/bookmark`)),
  unbookmark: (id: string) => data(request<Status>("POST", `/api/v1/statuses/${enc(id)}/unbookmark`)),

  // --- a resident's collections
  bookmarks: (page: PageQuery = {}) => requestPage<Status>("/api/v1/bookmarks", { ...page }),
  favourites: (page: PageQuery = {}) => requestPage<Status>("/api/v1/favourites", { ...page }),

  // --- groups (Parvis)
  groups: (query: { q?: string; kind?: GroupKind; mine?: boolean; max_id?: string | null; limit?: number } = {}) =>
    requestPage<Group>("/api/parvis/groups", { q: query.q || undefined, kind: query.kind, mine: query.mine ? "true" : undefined, max_id: query.max_id ?? undefined, limit: query.limit }),
  group: (id: string) => data(request<Group>("GET", `/api/parvis/groups/${enc(id)}`)),
  createGroup: (input: GroupInput) => data(request<Group>("POST", "/api/parvis/groups", { json: input })),
  updateGroup: (id: string, input: GroupInput) => data(request<Group>("PATCH", `/api/parvis/groups/${enc(id)}`, { json: input })),
  /** a group's avatar and header (multipart fields `avatar`, `header`) */
  updateGroupImages: (id: string, form: FormData) => data(request<Group>("PATCH", `/api/parvis/groups/${enc(id)}`, { form })),
  deleteGroup: (id: string) => data(request<unknown>("DELETE", `/api/parvis/groups/${enc(id)}`)),
  joinGroup: (id: string, acceptCharter: boolean) =>
    data(request<Group>("POST", `/api/parvis/groups/${enc(id)}/join`, { json: acceptCharter ? { accept_charter: true } : {} })),
  leaveGroup: (id: string) => data(request<Group>("POST", `/api/parvis/groups/${enc(id)}/leave`)),
  groupTimeline: (id: string, query: PageQuery & { pinned?: boolean }) =>
    requestPage<Status>(`/api/parvis/timelines/group/${enc(id)}`, {
      max_id: query.max_id ?? undefined,
      min_id: query.min_id ?? undefined,
      limit: query.limit,
      pinned: query.pinned ? "true" : undefined,
    }),
  groupMembers: (id: string, query: PageQuery = {}) =>
    requestPage<GroupMember>(`/api/parvis/groups/${enc(id)}/members`, { max_id: query.max_id ?? undefined, limit: query.limit }),
  groupRequests: (id: string) => data(request<GroupMember[]>("GET", `/api/parvis/groups/${enc(id)}/requests`, { query: { limit: 80 } })),
  decideGroupRequest: (id: string, accountId: string, decision: "approve" | "reject") =>
    data(request<unknown>("POST", `/api/parvis/groups/${enc(id)}/requests/${enc(accountId)}/${decision}`)),
  setGroupRole: (id: string, accountId: string, role: GroupRole) =>
    data(request<GroupMember>("PATCH", `/api/parvis/groups/${enc(id)}/members/${enc(accountId)}`, { json: { role } })),
  removeGroupMember: (id: string, accountId: string) => data(request<unknown>("DELETE", `/api/parvis/groups/${enc(id)}/members/${enc(accountId)}`)),
  groupBans: (id: string) => data(request<GroupBan[]>("GET", `/api/parvis/groups/${enc(id)}/bans`, { query: { limit: 80 } })),
  banFromGroup: (id: string, accountId: string, reason: string) =>
    data(request<GroupBan>("POST", `/api/parvis/groups/${enc(id)}/bans`, { json: { account_id: accountId, reason } })),
  unbanFromGroup: (id: string, accountId: string) => data(request<unknown>("DELETE", `/api/parvis/groups/${enc(id)}/bans/${enc(accountId)}`)),
  pinGroupStatus: (id: string, statusId: string, pin: boolean) =>
    data(request<Status>("POST", `/api/parvis/groups/${enc(id)}/statuses/${enc(statusId)}/${pin ? "pin" : "unpin"}`)),
  removeGroupStatus: (id: string, statusId: string, reason: string) =>
    data(request<unknown>("DELETE", `/api/parvis/groups/${enc(id)}/statuses/${enc(statusId)}`, { json: { reason } })),

  // --- lists
  lists: () => data(request<List[]>("GET", "/api/v1/lists")),
  list: (id: string) => data(request<List>("GET", `/api/v1/lists/${enc(id)}`)),
  createList: (input: { title: string; replies_policy?: RepliesPolicy; exclusive?: boolean }) =>
    data(request<List>("POST", "/api/v1/lists", { json: input })),
  updateList: (id: string, input: { title?: string; replies_policy?: RepliesPolicy; exclusive?: boolean }) =>
    data(request<List>("PUT", `/api/v1/lists/${enc(id)}`, { json: input })),
  deleteList: (id: string) => data(request<unknown>("DELETE", `/api/v1/lists/${enc(id)}`)),
  listAccounts: (id: string) => data(request<Account[]>("GET", `/api/v1/lists/${enc(id)}/accounts`, { query: { limit: 0 } })),
  addToList: (id: string, accountIds: string[]) =>
    data(request<unknown>("POST", `/api/v1/lists/${enc(id)}/accounts`, { json: { account_ids: accountIds } })),
  removeFromList: (id: string, accountIds: string[]) =>
    data(request<unknown>("DELETE", `/api/v1/lists/${enc(id)}/accounts`, { json: { account_ids: accountIds } })),
  listTimeline: (id: string, page: PageQuery = {}) => requestPage<Status>(`/api/v1/timelines/list/${enc(id)}`, { ...page }),

  // --- filters
  filters: () => data(request<Filter[]>("GET", "/api/v2/filters")),
  createFilter: (input: FilterInput) => data(request<Filter>("POST", "/api/v2/filters", { json: input })),
  updateFilter: (id: string, input: Partial<FilterInput>) => data(request<Filter>("PUT", `/api/v2/filters/${enc(id)}`, { json: input })),
  deleteFilter: (id: string) => data(request<unknown>("DELETE", `/api/v2/filters/${enc(id)}`)),

  // --- direct conversations
  conversations: (page: PageQuery = {}) => requestPage<Conversation>("/api/v1/conversations", { ...page }),
  readConversation: (id: string) => data(request<Conversation>("POST", `/api/v1/conversations/${enc(id)}/read`)),
  deleteConversation: (id: string) => data(request<unknown>("DELETE", `/api/v1/conversations/${enc(id)}`)),

  // --- followed hashtags
  followTag: (name: string) => data(request<Tag>("POST", `/api/v1/tags/${enc(name)}/follow`)),
  unfollowTag: (name: string) => data(request<Tag>("POST", `/api/v1/tags/${enc(name)}/unfollow`)),
  followedTags: (page: PageQuery = {}) => requestPage<Tag>("/api/v1/followed_tags", { ...page }),

  // --- timelines
  timeline: (which: TimelineKind, page: PageQuery = {}): Promise<Page<Status>> => {
    switch (which.kind) {
      case "home":
        return requestPage<Status>("/api/v1/timelines/home", { ...page });
      case "local":
        return requestPage<Status>("/api/v1/timelines/public", { ...page, local: true });
      case "federated":
        return requestPage<Status>("/api/v1/timelines/public", { ...page });
      case "tag":
        return requestPage<Status>(`/api/v1/timelines/tag/${enc(which.tag)}`, { ...page });
    }
  },

  // --- notifications
  notifications: (page: PageQuery = {}) => requestPage<Notification>("/api/v1/notifications", { ...page }),
  clearNotifications: () => data(request<unknown>("POST", "/api/v1/notifications/clear")),
  dismissNotification: (id: string) => data(request<unknown>("POST", `/api/v1/notifications/${enc(id)}/dismiss`)),

  // --- search
  search: (
    q: string,
    options: { type?: "accounts" | "hashtags" | "statuses"; resolve?: boolean; limit?: number } = {},
    signal?: AbortSignal,
  ) =>
    data(
      request<SearchResults>("GET", "/api/v2/search", {
        query: { q, type: options.type, resolve: options.resolve ? "true" : undefined, limit: options.limit },
        signal,
      }),
    ),
  tag: (name: string) => data(request<Tag>("GET", `/api/v1/tags/${enc(name)}`)),

  // --- polls and scheduled statuses
  scheduleStatus: (input: NewStatus) => data(request<ScheduledStatus>("POST", "/api/v1/statuses", { json: input })),
  vote: (pollId: string, choices: number[]) => data(request<Poll>("POST", `/api/v1/polls/${enc(pollId)}/votes`, { json: { choices } })),
  scheduledStatuses: () => data(request<ScheduledStatus[]>("GET", "/api/v1/scheduled_statuses", { query: { limit: 40 } })),
  cancelScheduledStatus: (id: string) => data(request<unknown>("DELETE", `/api/v1/scheduled_statuses/${enc(id)}`)),

  // --- announcements
  announcements: () => data(request<Announcement[]>("GET", "/api/v1/announcements", { query: { with_dismissed: "true" } })),
  dismissAnnouncement: (id: string) => data(request<unknown>("POST", `/api/v1/announcements/${enc(id)}/dismiss`)),
  react: (id: string, name: string) => data(request<unknown>("PUT", `/api/v1/announcements/${enc(id)}/reactions/${enc(name)}`)),
  unreact: (id: string, name: string) => data(request<unknown>("DELETE", `/api/v1/announcements/${enc(id)}/reactions/${enc(name)}`)),
  adminAnnouncements: () => data(request<Announcement[]>("GET", "/api/parvis/admin/announcements")),
  createAnnouncement: (input: AnnouncementInput) => data(request<Announcement>("POST", "/api/parvis/admin/announcements", { json: input })),
  updateAnnouncement: (id: string, input: Partial<AnnouncementInput>) =>
    data(request<Announcement>("PUT", `/api/parvis/admin/announcements/${enc(id)}`, { json: input })),
  endAnnouncement: (id: string) => data(request<Announcement>("POST", `/api/parvis/admin/announcements/${enc(id)}/end`)),
  deleteAnnouncement: (id: string) => data(request<unknown>("DELETE", `/api/parvis/admin/announcements/${enc(id)}`)),

  // --- public moderation log, privacy page, charter and rules (admin)
  moderationLog: (filter: { action?: string; rule_id?: string; max_id?: string | null; limit?: number } = {}) =>
    requestPage<ModerationLogEntry>("/api/parvis/moderation_log", { ...filter, max_id: filter.max_id ?? undefined }),
  verifyModerationLog: () => data(request<ModerationLogVerification>("GET", "/api/parvis/moderation_log/verify")),
  privacy: (locale: "fr" | "en") => data(request<PrivacyPage>("GET", "/api/parvis/privacy", { query: { locale } })),
  adminSettings: () => data(request<AdminSettings>("GET", "/api/parvis/admin/settings")),
  updateAdminSettings: (input: Partial<AdminSettings>) => data(request<AdminSettings>("PATCH", "/api/parvis/admin/settings", { json: input })),
  importObservations: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return data(request<ObservationImportReport>("POST", "/api/parvis/admin/observations/import", { form }));
  },
  addRule: (input: { text: string; hint?: string; reason?: string }) => data(request<Rule>("POST", "/api/parvis/admin/rules", { json: input })),
  updateRule: (id: string, input: { text?: string; hint?: string; reason?: string }) =>
    data(request<Rule>("PATCH", `/api/parvis/admin/rules/${enc(id)}`, { json: input })),
  removeRule: (id: string, reason?: string) => data(request<unknown>("DELETE", `/api/parvis/admin/rules/${enc(id)}`, { query: { reason: reason || undefined } })),
  // --- reports and moderation (staff)
  report: (input: ReportInput) => data(request<Report>("POST", "/api/v1/reports", { json: input })),
  adminReports: (filter: { resolved?: boolean; target_account_id?: string } = {}, page: PageQuery = {}) =>
    requestPage<AdminReport>("/api/v1/admin/reports", {
      ...page,
      ...(filter.resolved === undefined ? {} : { resolved: String(filter.resolved) }),
      ...(filter.target_account_id ? { target_account_id: filter.target_account_id } : {}),
    }),
  adminReport: (id: string) => data(request<AdminReport>("GET", `/api/v1/admin/reports/${enc(id)}`)),
  changeReport: (id: string, verb: "assign_to_self" | "unassign" | "resolve" | "reopen") =>
    data(request<AdminReport>("POST", `/api/v1/admin/reports/${enc(id)}/${verb}`)),
  adminAccount: (id: string) => data(request<AdminAccount>("GET", `/api/v1/admin/accounts/${enc(id)}`)),
  accountAction: (id: string, input: { type: AccountActionType; text: string; report_id?: string; rule_ids: string[] }) =>
    data(request<unknown>("POST", `/api/v1/admin/accounts/${enc(id)}/action`, { json: input })),
  liftAction: (id: string, verb: LiftVerb) => data(request<AdminAccount>("POST", `/api/v1/admin/accounts/${enc(id)}/${verb}`)),
  accountActions: (id: string) => data(request<AccountActionRecord[]>("GET", `/api/parvis/admin/accounts/${enc(id)}/actions`)),
  moderationNotes: (subject: "accounts" | "reports", id: string) => data(request<ModerationNote[]>("GET", `/api/parvis/admin/${subject}/${enc(id)}/notes`)),
  addModerationNote: (subject: "accounts" | "reports", id: string, content: string) =>
    data(request<ModerationNote>("POST", `/api/parvis/admin/${subject}/${enc(id)}/notes`, { json: { content } })),
  deleteModerationNote: (subject: "accounts" | "reports", id: string, noteId: string) =>
    data(request<unknown>("DELETE", `/api/parvis/admin/${subject}/${enc(id)}/notes/${enc(noteId)}`)),

  // --- trends
  trendingTags: () => data(request<TrendTag[]>("GET", "/api/v1/trends/tags")),
  trendingStatuses: () => data(request<Status[]>("GET", "/api/v1/trends/statuses")),
  trendingLinks: () => data(request<TrendLink[]>("GET", "/api/v1/trends/links")),
};
