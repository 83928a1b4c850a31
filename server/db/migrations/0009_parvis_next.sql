CREATE TABLE "account_conversations" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"conversation_id" bigint NOT NULL,
	"participant_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_status_id" bigint,
	"unread" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "announcement_reactions" (
	"announcement_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "announcement_reactions_announcement_id_account_id_name_pk" PRIMARY KEY("announcement_id","account_id","name")
);
--> statement-breakpoint
CREATE TABLE "announcement_reads" (
	"announcement_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "announcement_reads_announcement_id_account_id_pk" PRIMARY KEY("announcement_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "announcements" (
	"id" bigint PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"content" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"all_day" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "featured_tags" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"tag_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fedify_dead_letters" (
	"id" bigint PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"message" jsonb NOT NULL,
	"attempts" integer NOT NULL,
	"reason" text NOT NULL,
	"enqueued_at" timestamp with time zone NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filter_keywords" (
	"id" bigint PRIMARY KEY NOT NULL,
	"filter_id" bigint NOT NULL,
	"keyword" text NOT NULL,
	"whole_word" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filter_statuses" (
	"id" bigint PRIMARY KEY NOT NULL,
	"filter_id" bigint NOT NULL,
	"status_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filters" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"title" text NOT NULL,
	"context" jsonb NOT NULL,
	"action" text DEFAULT 'warn' NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "filters_action_ck" CHECK ("filters"."action" in ('warn', 'hide'))
);
--> statement-breakpoint
CREATE TABLE "list_accounts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"list_id" bigint NOT NULL,
	"account_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lists" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"title" text NOT NULL,
	"replies_policy" text DEFAULT 'list' NOT NULL,
	"exclusive" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lists_replies_policy_ck" CHECK ("lists"."replies_policy" in ('followed', 'list', 'none'))
);
--> statement-breakpoint
CREATE TABLE "markers" (
	"account_id" bigint NOT NULL,
	"timeline" text NOT NULL,
	"last_read_id" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "markers_account_id_timeline_pk" PRIMARY KEY("account_id","timeline"),
	CONSTRAINT "markers_timeline_ck" CHECK ("markers"."timeline" in ('home', 'notifications'))
);
--> statement-breakpoint
CREATE TABLE "poll_votes" (
	"id" bigint PRIMARY KEY NOT NULL,
	"poll_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"choice" integer NOT NULL,
	"uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_votes_choice_ck" CHECK ("poll_votes"."choice" >= 0)
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" bigint PRIMARY KEY NOT NULL,
	"status_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"options" jsonb NOT NULL,
	"multiple" boolean DEFAULT false NOT NULL,
	"hide_totals" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"cached_tallies" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"voters_count" integer,
	"ended_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "push_subscriptions" (
	"id" bigint PRIMARY KEY NOT NULL,
	"access_token_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"endpoint" text NOT NULL,
	"key_p256dh" text NOT NULL,
	"key_auth" text NOT NULL,
	"alerts" jsonb NOT NULL,
	"policy" text DEFAULT 'all' NOT NULL,
	"standard" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "push_subscriptions_policy_ck" CHECK ("push_subscriptions"."policy" in ('all', 'followed', 'follower', 'none'))
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "received_activities" (
	"origin" text NOT NULL,
	"uri" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "received_activities_origin_uri_pk" PRIMARY KEY("origin","uri")
);
--> statement-breakpoint
CREATE TABLE "scheduled_statuses" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"params" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_conversations" (
	"status_id" bigint PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suggestion_dismissals" (
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suggestion_dismissals_account_id_target_account_id_pk" PRIMARY KEY("account_id","target_account_id")
);
--> statement-breakpoint
CREATE TABLE "tag_follows" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"tag_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trend_reviews" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"decision" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trend_reviews_kind_key_pk" PRIMARY KEY("kind","key"),
	CONSTRAINT "trend_reviews_kind_ck" CHECK ("trend_reviews"."kind" in ('tag', 'link', 'status')),
	CONSTRAINT "trend_reviews_decision_ck" CHECK ("trend_reviews"."decision" in ('approved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "processed_activities" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "processed_activities" CASCADE;--> statement-breakpoint
ALTER TABLE "fedify_queue" ADD COLUMN "abandoned" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "follows" ADD COLUMN "accept_sent_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD COLUMN "preview_file_name" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "group_key" text;--> statement-breakpoint
ALTER TABLE "account_conversations" ADD CONSTRAINT "account_conversations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_conversations" ADD CONSTRAINT "account_conversations_last_status_id_statuses_id_fk" FOREIGN KEY ("last_status_id") REFERENCES "public"."statuses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcement_reactions" ADD CONSTRAINT "announcement_reactions_announcement_id_announcements_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."announcements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcement_reactions" ADD CONSTRAINT "announcement_reactions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcement_reads" ADD CONSTRAINT "announcement_reads_announcement_id_announcements_id_fk" FOREIGN KEY ("announcement_id") REFERENCES "public"."announcements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "announcement_reads" ADD CONSTRAINT "announcement_reads_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "featured_tags" ADD CONSTRAINT "featured_tags_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "featured_tags" ADD CONSTRAINT "featured_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_keywords" ADD CONSTRAINT "filter_keywords_filter_id_filters_id_fk" FOREIGN KEY ("filter_id") REFERENCES "public"."filters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_statuses" ADD CONSTRAINT "filter_statuses_filter_id_filters_id_fk" FOREIGN KEY ("filter_id") REFERENCES "public"."filters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_statuses" ADD CONSTRAINT "filter_statuses_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filters" ADD CONSTRAINT "filters_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_accounts" ADD CONSTRAINT "list_accounts_list_id_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_accounts" ADD CONSTRAINT "list_accounts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lists" ADD CONSTRAINT "lists_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "markers" ADD CONSTRAINT "markers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_votes" ADD CONSTRAINT "poll_votes_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_votes" ADD CONSTRAINT "poll_votes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_access_token_id_access_tokens_id_fk" FOREIGN KEY ("access_token_id") REFERENCES "public"."access_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scheduled_statuses" ADD CONSTRAINT "scheduled_statuses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_conversations" ADD CONSTRAINT "status_conversations_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestion_dismissals" ADD CONSTRAINT "suggestion_dismissals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestion_dismissals" ADD CONSTRAINT "suggestion_dismissals_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_follows" ADD CONSTRAINT "tag_follows_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_follows" ADD CONSTRAINT "tag_follows_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_conversations_pair_uq" ON "account_conversations" USING btree ("account_id","conversation_id");--> statement-breakpoint
CREATE INDEX "account_conversations_account_idx" ON "account_conversations" USING btree ("account_id","last_status_id");--> statement-breakpoint
CREATE INDEX "announcement_reactions_idx" ON "announcement_reactions" USING btree ("announcement_id");--> statement-breakpoint
CREATE INDEX "announcements_published_idx" ON "announcements" USING btree ("published_at");--> statement-breakpoint
CREATE UNIQUE INDEX "featured_tags_pair_uq" ON "featured_tags" USING btree ("account_id","tag_id");--> statement-breakpoint
CREATE INDEX "fedify_dead_letters_failed_idx" ON "fedify_dead_letters" USING btree ("failed_at");--> statement-breakpoint
CREATE INDEX "filter_keywords_filter_idx" ON "filter_keywords" USING btree ("filter_id");--> statement-breakpoint
CREATE UNIQUE INDEX "filter_statuses_pair_uq" ON "filter_statuses" USING btree ("filter_id","status_id");--> statement-breakpoint
CREATE INDEX "filters_account_idx" ON "filters" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "list_accounts_pair_uq" ON "list_accounts" USING btree ("list_id","account_id");--> statement-breakpoint
CREATE INDEX "list_accounts_account_idx" ON "list_accounts" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "lists_account_idx" ON "lists" USING btree ("account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_votes_choice_uq" ON "poll_votes" USING btree ("poll_id","account_id","choice");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_votes_uri_uq" ON "poll_votes" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "poll_votes_account_idx" ON "poll_votes" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "polls_status_uq" ON "polls" USING btree ("status_id");--> statement-breakpoint
CREATE INDEX "polls_expiring_idx" ON "polls" USING btree ("expires_at") WHERE "polls"."ended_notified_at" is null and "polls"."expires_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "push_subscriptions_token_uq" ON "push_subscriptions" USING btree ("access_token_id");--> statement-breakpoint
CREATE INDEX "push_subscriptions_account_idx" ON "push_subscriptions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "received_activities_received_idx" ON "received_activities" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "scheduled_statuses_due_idx" ON "scheduled_statuses" USING btree ("scheduled_at");--> statement-breakpoint
CREATE INDEX "scheduled_statuses_account_idx" ON "scheduled_statuses" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "status_conversations_conversation_idx" ON "status_conversations" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tag_follows_pair_uq" ON "tag_follows" USING btree ("account_id","tag_id");--> statement-breakpoint
CREATE INDEX "tag_follows_tag_idx" ON "tag_follows" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "media_unattached_idx" ON "media_attachments" USING btree ("created_at") WHERE "media_attachments"."status_id" is null;--> statement-breakpoint
CREATE INDEX "notifications_group_idx" ON "notifications" USING btree ("account_id","group_key","id" DESC NULLS LAST) WHERE "notifications"."group_key" is not null;