CREATE TABLE "account_actions" (
	"id" bigint PRIMARY KEY NOT NULL,
	"target_account_id" bigint NOT NULL,
	"action" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"report_id" bigint,
	"rule_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"by_account_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_actions_action_ck" CHECK ("account_actions"."action" in ('none', 'sensitive', 'disable', 'silence', 'suspend', 'unsensitive', 'enable', 'unsilence', 'unsuspend'))
);
--> statement-breakpoint
CREATE TABLE "data_exports" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"step" text DEFAULT '' NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"size" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "data_exports_state_ck" CHECK ("data_exports"."state" in ('queued', 'running', 'ready', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "data_import_rows" (
	"import_id" bigint NOT NULL,
	"line" integer NOT NULL,
	"target" text NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"error" text,
	"resolved_id" bigint,
	CONSTRAINT "data_import_rows_import_id_line_pk" PRIMARY KEY("import_id","line"),
	CONSTRAINT "data_import_rows_state_ck" CHECK ("data_import_rows"."state" in ('pending', 'done', 'error'))
);
--> statement-breakpoint
CREATE TABLE "data_imports" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"type" text NOT NULL,
	"mode" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "data_imports_type_ck" CHECK ("data_imports"."type" in ('following', 'blocks', 'mutes', 'bookmarks')),
	CONSTRAINT "data_imports_mode_ck" CHECK ("data_imports"."mode" in ('merge', 'overwrite')),
	CONSTRAINT "data_imports_state_ck" CHECK ("data_imports"."state" in ('queued', 'running', 'ready', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "group_bans" (
	"id" bigint PRIMARY KEY NOT NULL,
	"group_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"banned_by_id" bigint,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_memberships" (
	"id" bigint PRIMARY KEY NOT NULL,
	"group_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"state" text NOT NULL,
	"charter_accepted_at" timestamp with time zone,
	"charter_version" integer,
	"uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"joined_at" timestamp with time zone,
	CONSTRAINT "group_memberships_role_ck" CHECK ("group_memberships"."role" in ('admin', 'moderator', 'member')),
	CONSTRAINT "group_memberships_state_ck" CHECK ("group_memberships"."state" in ('pending', 'active')),
	CONSTRAINT "group_memberships_pending_ck" CHECK ("group_memberships"."state" = 'active' or "group_memberships"."role" = 'member'),
	CONSTRAINT "group_memberships_joined_ck" CHECK (("group_memberships"."state" = 'active') = ("group_memberships"."joined_at" is not null)),
	CONSTRAINT "group_memberships_charter_ck" CHECK (("group_memberships"."charter_accepted_at" is null) = ("group_memberships"."charter_version" is null))
);
--> statement-breakpoint
CREATE TABLE "group_pins" (
	"group_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"pinned_by_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_pins_group_id_status_id_pk" PRIMARY KEY("group_id","status_id")
);
--> statement-breakpoint
CREATE TABLE "group_removals" (
	"id" bigint PRIMARY KEY NOT NULL,
	"group_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"status_uri" text NOT NULL,
	"author_id" bigint,
	"removed_by_id" bigint,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"charter" text DEFAULT '' NOT NULL,
	"charter_version" integer DEFAULT 1 NOT NULL,
	"area" text,
	"visibility" text DEFAULT 'public' NOT NULL,
	"membership" text DEFAULT 'open' NOT NULL,
	"posting" text DEFAULT 'members' NOT NULL,
	"created_by_id" bigint,
	"members_url" text,
	"moderators_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "groups_kind_ck" CHECK ("groups"."kind" in ('neighbourhood', 'vigilance', 'association', 'topic')),
	CONSTRAINT "groups_visibility_ck" CHECK ("groups"."visibility" in ('public', 'members')),
	CONSTRAINT "groups_membership_ck" CHECK ("groups"."membership" in ('open', 'approval')),
	CONSTRAINT "groups_posting_ck" CHECK ("groups"."posting" in ('members', 'moderators')),
	CONSTRAINT "groups_charter_version_ck" CHECK ("groups"."charter_version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "moderation_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"target_local" boolean NOT NULL,
	"rule_ids" jsonb NOT NULL,
	"public_reason" text NOT NULL,
	"actor_role" text NOT NULL,
	"nonce" text NOT NULL,
	"content_hash" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"signature" text NOT NULL,
	"staff_account_id" bigint
);
--> statement-breakpoint
CREATE TABLE "moderation_notes" (
	"id" bigint PRIMARY KEY NOT NULL,
	"target_account_id" bigint,
	"report_id" bigint,
	"author_account_id" bigint,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "moderation_notes_one_target_ck" CHECK (("moderation_notes"."target_account_id" is null) <> ("moderation_notes"."report_id" is null))
);
--> statement-breakpoint
CREATE TABLE "remote_media_cache" (
	"remote_url" text PRIMARY KEY NOT NULL,
	"original_key" text NOT NULL,
	"small_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "domain_policies" DROP CONSTRAINT "domain_policies_policy_ck";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "silenced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "sensitized_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "domain_policies" ADD COLUMN "private_comment" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "rule_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "assigned_account_id" bigint;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "action_taken_by_account_id" bigint;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "statuses" ADD COLUMN "group_id" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "agreement_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "agreement_digest" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deletion_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deletion_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_actions" ADD CONSTRAINT "account_actions_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_actions" ADD CONSTRAINT "account_actions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_actions" ADD CONSTRAINT "account_actions_by_account_id_accounts_id_fk" FOREIGN KEY ("by_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_exports" ADD CONSTRAINT "data_exports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_import_rows" ADD CONSTRAINT "data_import_rows_import_id_data_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."data_imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_imports" ADD CONSTRAINT "data_imports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_bans" ADD CONSTRAINT "group_bans_group_id_groups_account_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_bans" ADD CONSTRAINT "group_bans_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_bans" ADD CONSTRAINT "group_bans_banned_by_id_accounts_id_fk" FOREIGN KEY ("banned_by_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_memberships" ADD CONSTRAINT "group_memberships_group_id_groups_account_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_memberships" ADD CONSTRAINT "group_memberships_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_pins" ADD CONSTRAINT "group_pins_group_id_groups_account_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_pins" ADD CONSTRAINT "group_pins_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_pins" ADD CONSTRAINT "group_pins_pinned_by_id_accounts_id_fk" FOREIGN KEY ("pinned_by_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_removals" ADD CONSTRAINT "group_removals_group_id_groups_account_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_removals" ADD CONSTRAINT "group_removals_author_id_accounts_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_removals" ADD CONSTRAINT "group_removals_removed_by_id_accounts_id_fk" FOREIGN KEY ("removed_by_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_created_by_id_accounts_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_notes" ADD CONSTRAINT "moderation_notes_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_notes" ADD CONSTRAINT "moderation_notes_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_notes" ADD CONSTRAINT "moderation_notes_author_account_id_accounts_id_fk" FOREIGN KEY ("author_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_actions_target_idx" ON "account_actions" USING btree ("target_account_id","id");--> statement-breakpoint
CREATE INDEX "data_exports_account_idx" ON "data_exports" USING btree ("account_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "data_exports_pending_idx" ON "data_exports" USING btree ("id") WHERE "data_exports"."state" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "data_imports_account_idx" ON "data_imports" USING btree ("account_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "data_imports_pending_idx" ON "data_imports" USING btree ("id") WHERE "data_imports"."state" in ('queued', 'running');--> statement-breakpoint
CREATE UNIQUE INDEX "group_bans_pair_uq" ON "group_bans" USING btree ("group_id","account_id");--> statement-breakpoint
CREATE INDEX "group_bans_group_idx" ON "group_bans" USING btree ("group_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_memberships_pair_uq" ON "group_memberships" USING btree ("group_id","account_id");--> statement-breakpoint
CREATE INDEX "group_memberships_account_idx" ON "group_memberships" USING btree ("account_id","group_id") WHERE "group_memberships"."state" = 'active';--> statement-breakpoint
CREATE INDEX "group_memberships_group_idx" ON "group_memberships" USING btree ("group_id","state","id");--> statement-breakpoint
CREATE INDEX "group_removals_group_idx" ON "group_removals" USING btree ("group_id","id");--> statement-breakpoint
CREATE INDEX "groups_kind_idx" ON "groups" USING btree ("kind","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "moderation_log_prev_uq" ON "moderation_log" USING btree ("prev_hash");--> statement-breakpoint
CREATE INDEX "moderation_log_action_idx" ON "moderation_log" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "moderation_notes_account_idx" ON "moderation_notes" USING btree ("target_account_id");--> statement-breakpoint
CREATE INDEX "moderation_notes_report_idx" ON "moderation_notes" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "remote_media_cache_fetched_idx" ON "remote_media_cache" USING btree ("fetched_at");--> statement-breakpoint
CREATE INDEX "remote_media_cache_used_idx" ON "remote_media_cache" USING btree ("last_used_at");--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_assigned_account_id_accounts_id_fk" FOREIGN KEY ("assigned_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_action_taken_by_account_id_accounts_id_fk" FOREIGN KEY ("action_taken_by_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_group_id_groups_account_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_open_idx" ON "reports" USING btree ("id") WHERE "reports"."action_taken_at" is null;--> statement-breakpoint
CREATE INDEX "statuses_group_idx" ON "statuses" USING btree ("group_id","id" DESC NULLS LAST) WHERE "statuses"."group_id" is not null;--> statement-breakpoint
CREATE INDEX "users_deletion_due_idx" ON "users" USING btree ("deletion_due_at") WHERE "users"."deletion_due_at" is not null;--> statement-breakpoint
ALTER TABLE "domain_policies" ADD CONSTRAINT "domain_policies_policy_ck" CHECK ("domain_policies"."policy" in ('allow', 'block', 'silence'));--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_group_visibility_ck" CHECK ("statuses"."group_id" is null or "statuses"."visibility" in ('public', 'unlisted', 'private'));