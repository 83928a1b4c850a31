CREATE TABLE "received_activities" (
	"origin" text NOT NULL,
	"uri" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "received_activities_origin_uri_pk" PRIMARY KEY("origin","uri")
);
--> statement-breakpoint
DROP TABLE "processed_activities" CASCADE;--> statement-breakpoint
ALTER TABLE "follows" ADD COLUMN "accept_sent_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "received_activities_received_idx" ON "received_activities" USING btree ("received_at");