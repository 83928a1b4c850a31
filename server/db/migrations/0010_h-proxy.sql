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
CREATE INDEX "remote_media_cache_fetched_idx" ON "remote_media_cache" USING btree ("fetched_at");--> statement-breakpoint
CREATE INDEX "remote_media_cache_used_idx" ON "remote_media_cache" USING btree ("last_used_at");