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
ALTER TABLE "users" ADD COLUMN "agreement_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "agreement_digest" text;--> statement-breakpoint
CREATE UNIQUE INDEX "moderation_log_prev_uq" ON "moderation_log" USING btree ("prev_hash");--> statement-breakpoint
CREATE INDEX "moderation_log_action_idx" ON "moderation_log" USING btree ("action","seq");