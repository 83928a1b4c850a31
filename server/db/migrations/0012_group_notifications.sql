DROP INDEX "notifications_once_uq";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "parvis_group_id" bigint;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_parvis_group_id_accounts_id_fk" FOREIGN KEY ("parvis_group_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_once_uq" ON "notifications" USING btree ("account_id","from_account_id","type",coalesce("status_id", 0),coalesce("parvis_group_id", 0));