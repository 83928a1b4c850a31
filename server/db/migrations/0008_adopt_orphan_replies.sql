-- Custom migration: a remote post that arrives after replies to it adopts them.
-- Done by the database in the statement that stores the post, rather than by one
-- more statement from the application for every remote post (almost always
-- finding nothing, through statuses_reply_uri_idx).
CREATE FUNCTION statuses_adopt_orphan_replies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE statuses
    SET in_reply_to_id = NEW.id, in_reply_to_account_id = NEW.account_id, in_reply_to_uri = NULL
    WHERE in_reply_to_uri = NEW.uri;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER statuses_adopt_orphan_replies AFTER INSERT ON statuses
  FOR EACH ROW WHEN (NOT NEW.local) EXECUTE FUNCTION statuses_adopt_orphan_replies();
