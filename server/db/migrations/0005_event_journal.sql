CREATE TABLE "event_journal" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "event_journal_created_idx" ON "event_journal" USING btree ("created_at");