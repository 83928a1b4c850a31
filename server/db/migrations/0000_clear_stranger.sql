CREATE TABLE "access_tokens" (
	"id" bigint PRIMARY KEY NOT NULL,
	"user_id" bigint,
	"app_id" bigint,
	"scopes" text DEFAULT 'read write follow push' NOT NULL,
	"kind" text DEFAULT 'api' NOT NULL,
	"user_agent" text,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "account_moves" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_uri" text NOT NULL,
	"activity_uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"domain" text,
	"display_name" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"note_source" text DEFAULT '' NOT NULL,
	"fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"bot" boolean DEFAULT false NOT NULL,
	"discoverable" boolean DEFAULT true NOT NULL,
	"actor_type" text DEFAULT 'Person' NOT NULL,
	"avatar_url" text,
	"header_url" text,
	"uri" text NOT NULL,
	"url" text,
	"inbox_url" text,
	"shared_inbox_url" text,
	"outbox_url" text,
	"followers_url" text,
	"following_url" text,
	"featured_url" text,
	"remote_followers_count" integer,
	"remote_following_count" integer,
	"remote_statuses_count" integer,
	"moved_to_account_id" bigint,
	"also_known_as" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"suspended_at" timestamp with time zone,
	"last_fetched_at" timestamp with time zone,
	"last_status_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actor_keys" (
	"account_id" bigint NOT NULL,
	"algorithm" text NOT NULL,
	"public_key" jsonb NOT NULL,
	"private_key" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actor_keys_account_id_algorithm_pk" PRIMARY KEY("account_id","algorithm")
);
--> statement-breakpoint
CREATE TABLE "apps" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"website" text,
	"redirect_uris" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"scopes" text DEFAULT 'read' NOT NULL,
	"client_id" text NOT NULL,
	"client_secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "authorization_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"app_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"redirect_uri" text NOT NULL,
	"scopes" text NOT NULL,
	"code_challenge" text,
	"code_challenge_method" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "blocks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blocks_not_self_ck" CHECK ("blocks"."account_id" <> "blocks"."target_account_id")
);
--> statement-breakpoint
CREATE TABLE "bookmarks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_failures" (
	"inbox_url" text PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"first_failure_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failure_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text DEFAULT '' NOT NULL,
	"abandoned_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "domain_policies" (
	"domain" text PRIMARY KEY NOT NULL,
	"policy" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "domain_policies_policy_ck" CHECK ("domain_policies"."policy" in ('allow', 'block'))
);
--> statement-breakpoint
CREATE TABLE "favourites" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fedify_kv" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "fedify_queue" (
	"id" bigint PRIMARY KEY NOT NULL,
	"queue" text DEFAULT 'default' NOT NULL,
	"message" jsonb NOT NULL,
	"ordering_key" text,
	"deliver_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_requests" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"uri" text,
	"show_reblogs" boolean DEFAULT true NOT NULL,
	"notify" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follow_requests_not_self_ck" CHECK ("follow_requests"."account_id" <> "follow_requests"."target_account_id")
);
--> statement-breakpoint
CREATE TABLE "follows" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"uri" text,
	"show_reblogs" boolean DEFAULT true NOT NULL,
	"notify" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_not_self_ck" CHECK ("follows"."account_id" <> "follows"."target_account_id")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" bigint NOT NULL,
	"key" text NOT NULL,
	"status_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "instance_rules" (
	"id" bigint PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"hint" text DEFAULT '' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_attachments" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"status_id" bigint,
	"type" text DEFAULT 'image' NOT NULL,
	"file_name" text,
	"content_type" text,
	"remote_url" text,
	"description" text,
	"blurhash" text,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mentions" (
	"status_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	CONSTRAINT "mentions_status_id_account_id_pk" PRIMARY KEY("status_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "mutes" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"hide_notifications" boolean DEFAULT true NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mutes_not_self_ck" CHECK ("mutes"."account_id" <> "mutes"."target_account_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"from_account_id" bigint NOT NULL,
	"type" text NOT NULL,
	"status_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_activities" (
	"uri" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "remote_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"public_key_pem" text,
	"public_key_jwk" jsonb,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"status_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"category" text DEFAULT 'other' NOT NULL,
	"uri" text,
	"forwarded" boolean DEFAULT false NOT NULL,
	"action_taken_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_edits" (
	"id" bigint PRIMARY KEY NOT NULL,
	"status_id" bigint NOT NULL,
	"content" text NOT NULL,
	"spoiler_text" text DEFAULT '' NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_tags" (
	"status_id" bigint NOT NULL,
	"tag_id" bigint NOT NULL,
	CONSTRAINT "status_tags_status_id_tag_id_pk" PRIMARY KEY("status_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "statuses" (
	"id" bigint PRIMARY KEY NOT NULL,
	"uri" text NOT NULL,
	"url" text,
	"account_id" bigint NOT NULL,
	"in_reply_to_id" bigint,
	"in_reply_to_account_id" bigint,
	"in_reply_to_uri" text,
	"reblog_of_id" bigint,
	"content" text DEFAULT '' NOT NULL,
	"text" text,
	"spoiler_text" text DEFAULT '' NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"visibility" text NOT NULL,
	"language" text,
	"local" boolean NOT NULL,
	"object_type" text DEFAULT 'Note' NOT NULL,
	"application_id" bigint,
	"pinned" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"edited_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "statuses_visibility_ck" CHECK ("statuses"."visibility" in ('public', 'unlisted', 'private', 'direct'))
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"email" text,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'resident' NOT NULL,
	"locale" text DEFAULT 'fr' NOT NULL,
	"approved" boolean DEFAULT true NOT NULL,
	"registration_reason" text,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role_ck" CHECK ("users"."role" in ('resident', 'moderator', 'admin'))
);
--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_moves" ADD CONSTRAINT "account_moves_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_codes" ADD CONSTRAINT "authorization_codes_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_codes" ADD CONSTRAINT "authorization_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookmarks" ADD CONSTRAINT "bookmarks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookmarks" ADD CONSTRAINT "bookmarks_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "favourites" ADD CONSTRAINT "favourites_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "favourites" ADD CONSTRAINT "favourites_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_requests" ADD CONSTRAINT "follow_requests_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_requests" ADD CONSTRAINT "follow_requests_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mutes" ADD CONSTRAINT "mutes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mutes" ADD CONSTRAINT "mutes_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_from_account_id_accounts_id_fk" FOREIGN KEY ("from_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remote_keys" ADD CONSTRAINT "remote_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_edits" ADD CONSTRAINT "status_edits_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_tags" ADD CONSTRAINT "status_tags_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_tags" ADD CONSTRAINT "status_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_tokens_user_idx" ON "access_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "account_moves_account_idx" ON "account_moves" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_username_domain_uq" ON "accounts" USING btree (lower("username"),coalesce("domain", ''));--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_uri_uq" ON "accounts" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "accounts_domain_idx" ON "accounts" USING btree ("domain");--> statement-breakpoint
CREATE UNIQUE INDEX "apps_client_id_uq" ON "apps" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "blocks_pair_uq" ON "blocks" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "blocks_target_idx" ON "blocks" USING btree ("target_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bookmarks_account_status_uq" ON "bookmarks" USING btree ("account_id","status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "favourites_account_status_uq" ON "favourites" USING btree ("account_id","status_id");--> statement-breakpoint
CREATE INDEX "favourites_status_idx" ON "favourites" USING btree ("status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "favourites_uri_uq" ON "favourites" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "fedify_kv_expires_idx" ON "fedify_kv" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "fedify_queue_ready_idx" ON "fedify_queue" USING btree ("queue","deliver_after");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_requests_pair_uq" ON "follow_requests" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "follow_requests_target_idx" ON "follow_requests" USING btree ("target_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "follows_pair_uq" ON "follows" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "follows_target_idx" ON "follows" USING btree ("target_account_id");--> statement-breakpoint
CREATE INDEX "media_status_idx" ON "media_attachments" USING btree ("status_id");--> statement-breakpoint
CREATE INDEX "mentions_account_idx" ON "mentions" USING btree ("account_id","status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mutes_pair_uq" ON "mutes" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "notifications_account_idx" ON "notifications" USING btree ("account_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_once_uq" ON "notifications" USING btree ("account_id","from_account_id","type",coalesce("status_id", 0));--> statement-breakpoint
CREATE INDEX "remote_keys_account_idx" ON "remote_keys" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_uri_uq" ON "reports" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "reports_target_idx" ON "reports" USING btree ("target_account_id");--> statement-breakpoint
CREATE INDEX "status_edits_status_idx" ON "status_edits" USING btree ("status_id","id");--> statement-breakpoint
CREATE INDEX "status_tags_tag_idx" ON "status_tags" USING btree ("tag_id","status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "statuses_uri_uq" ON "statuses" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "statuses_account_idx" ON "statuses" USING btree ("account_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "statuses_reply_idx" ON "statuses" USING btree ("in_reply_to_id");--> statement-breakpoint
CREATE INDEX "statuses_reblog_idx" ON "statuses" USING btree ("reblog_of_id");--> statement-breakpoint
CREATE INDEX "statuses_public_idx" ON "statuses" USING btree ("id" DESC NULLS LAST) WHERE "statuses"."visibility" = 'public' and "statuses"."reblog_of_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "statuses_one_reblog_uq" ON "statuses" USING btree ("account_id","reblog_of_id") WHERE "statuses"."reblog_of_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name_uq" ON "tags" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "users_account_uq" ON "users" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree (lower("email"));