CREATE TABLE "group_signed_activities" (
	"status_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"activity" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_signed_activities_status_id_kind_pk" PRIMARY KEY("status_id","kind"),
	CONSTRAINT "group_signed_activities_kind_ck" CHECK ("group_signed_activities"."kind" in ('Create', 'Update'))
);
--> statement-breakpoint
ALTER TABLE "group_signed_activities" ADD CONSTRAINT "group_signed_activities_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;