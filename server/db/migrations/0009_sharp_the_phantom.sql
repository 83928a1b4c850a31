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
ALTER TABLE "fedify_queue" ADD COLUMN "abandoned" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "fedify_dead_letters_failed_idx" ON "fedify_dead_letters" USING btree ("failed_at");