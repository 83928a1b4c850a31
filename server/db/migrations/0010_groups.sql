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
ALTER TABLE "statuses" ADD COLUMN "group_id" bigint;--> statement-breakpoint
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
CREATE UNIQUE INDEX "group_bans_pair_uq" ON "group_bans" USING btree ("group_id","account_id");--> statement-breakpoint
CREATE INDEX "group_bans_group_idx" ON "group_bans" USING btree ("group_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_memberships_pair_uq" ON "group_memberships" USING btree ("group_id","account_id");--> statement-breakpoint
CREATE INDEX "group_memberships_account_idx" ON "group_memberships" USING btree ("account_id","group_id") WHERE "group_memberships"."state" = 'active';--> statement-breakpoint
CREATE INDEX "group_memberships_group_idx" ON "group_memberships" USING btree ("group_id","state","id");--> statement-breakpoint
CREATE INDEX "group_removals_group_idx" ON "group_removals" USING btree ("group_id","id");--> statement-breakpoint
CREATE INDEX "groups_kind_idx" ON "groups" USING btree ("kind","account_id");--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_group_id_groups_account_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("account_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "statuses_group_idx" ON "statuses" USING btree ("group_id","id" DESC NULLS LAST) WHERE "statuses"."group_id" is not null;--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_group_visibility_ck" CHECK ("statuses"."group_id" is null or "statuses"."visibility" in ('public', 'unlisted', 'private'));