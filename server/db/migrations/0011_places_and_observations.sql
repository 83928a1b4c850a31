CREATE TABLE "observation_events" (
	"id" bigint PRIMARY KEY NOT NULL,
	"observation_id" bigint NOT NULL,
	"account_id" bigint,
	"action" text NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"seen_at" timestamp with time zone,
	"uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "observation_events_action_ck" CHECK ("observation_events"."action" in ('created', 'corrected', 'confirmed', 'gone_proposed', 'gone_confirmed', 'gone_rejected'))
);
--> statement-breakpoint
CREATE TABLE "observations" (
	"status_id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'present' NOT NULL,
	"osm_id" text,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmations_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "observations_kind_ck" CHECK ("observations"."kind" in ('camera', 'issue')),
	CONSTRAINT "observations_state_ck" CHECK ("observations"."state" in ('present', 'gone_proposed', 'gone')),
	CONSTRAINT "observations_range_ck" CHECK ("observations"."latitude" between -90 and 90 and "observations"."longitude" between -180 and 180),
	CONSTRAINT "observations_confirmations_ck" CHECK ("observations"."confirmations_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "statuses" ADD COLUMN "place_latitude" double precision;--> statement-breakpoint
ALTER TABLE "statuses" ADD COLUMN "place_longitude" double precision;--> statement-breakpoint
ALTER TABLE "statuses" ADD COLUMN "place_name" text;--> statement-breakpoint
ALTER TABLE "observation_events" ADD CONSTRAINT "observation_events_observation_id_observations_status_id_fk" FOREIGN KEY ("observation_id") REFERENCES "public"."observations"("status_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observation_events" ADD CONSTRAINT "observation_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "observations" ADD CONSTRAINT "observations_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "observation_events_observation_idx" ON "observation_events" USING btree ("observation_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "observation_events_uri_uq" ON "observation_events" USING btree ("uri") WHERE "observation_events"."uri" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "observation_events_confirm_uq" ON "observation_events" USING btree ("observation_id","account_id",(("seen_at" at time zone 'UTC')::date)) WHERE "observation_events"."action" = 'confirmed';--> statement-breakpoint
CREATE INDEX "observations_point_idx" ON "observations" USING btree ("latitude","longitude");--> statement-breakpoint
CREATE INDEX "observations_kind_idx" ON "observations" USING btree ("kind","status_id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "observations_osm_uq" ON "observations" USING btree ("osm_id") WHERE "observations"."osm_id" is not null;--> statement-breakpoint
CREATE INDEX "statuses_place_idx" ON "statuses" USING btree ("place_latitude","place_longitude") WHERE "statuses"."place_latitude" is not null;--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_place_ck" CHECK (("statuses"."place_latitude" is null) = ("statuses"."place_longitude" is null) and ("statuses"."place_name" is null or "statuses"."place_latitude" is not null));--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_place_range_ck" CHECK ("statuses"."place_latitude" is null or ("statuses"."place_latitude" between -90 and 90 and "statuses"."place_longitude" between -180 and 180));