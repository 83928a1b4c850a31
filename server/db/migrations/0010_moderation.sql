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
ALTER TABLE "domain_policies" DROP CONSTRAINT "domain_policies_policy_ck";--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "silenced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "sensitized_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "domain_policies" ADD COLUMN "private_comment" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "rule_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "assigned_account_id" bigint;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "action_taken_by_account_id" bigint;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "account_actions" ADD CONSTRAINT "account_actions_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_actions" ADD CONSTRAINT "account_actions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_actions" ADD CONSTRAINT "account_actions_by_account_id_accounts_id_fk" FOREIGN KEY ("by_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_notes" ADD CONSTRAINT "moderation_notes_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_notes" ADD CONSTRAINT "moderation_notes_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_notes" ADD CONSTRAINT "moderation_notes_author_account_id_accounts_id_fk" FOREIGN KEY ("author_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_actions_target_idx" ON "account_actions" USING btree ("target_account_id","id");--> statement-breakpoint
CREATE INDEX "moderation_notes_account_idx" ON "moderation_notes" USING btree ("target_account_id");--> statement-breakpoint
CREATE INDEX "moderation_notes_report_idx" ON "moderation_notes" USING btree ("report_id");--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_assigned_account_id_accounts_id_fk" FOREIGN KEY ("assigned_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_action_taken_by_account_id_accounts_id_fk" FOREIGN KEY ("action_taken_by_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reports_open_idx" ON "reports" USING btree ("id") WHERE "reports"."action_taken_at" is null;--> statement-breakpoint
ALTER TABLE "domain_policies" ADD CONSTRAINT "domain_policies_policy_ck" CHECK ("domain_policies"."policy" in ('allow', 'block', 'silence'));