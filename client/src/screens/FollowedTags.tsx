// Hashtags the resident follows (their public posts reach the home timeline),
// and the follow button of a hashtag page.
import { useEffect, useState } from "react";
import { api, type Tag } from "../api";
import { EmptyState, ErrorNotice, Loading, PageTitle, useErrorText } from "../components/common";
import { useI18n } from "../i18n/context";
import { Link, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";

/** Follow / unfollow a hashtag (residents only). */
export function FollowTagButton({ tag }: { tag: string }) {
  const { t } = useI18n();
  const { account } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [following, setFollowing] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!account) return;
    setFollowing(null);
    // a hashtag nobody used yet is not found: one does not follow it
    api.tag(tag).then(
      (found) => setFollowing(Boolean(found.following)),
      () => setFollowing(false),
    );
  }, [tag, account]);

  if (!account || following === null) return null;

  const toggle = async () => {
    setBusy(true);
    try {
      const updated = following ? await api.unfollowTag(tag) : await api.followTag(tag);
      setFollowing(Boolean(updated.following));
      announce(updated.following ? t("tags.followed", { tag }) : t("tags.unfollowed", { tag }));
    } catch (e) {
      announce(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <button type="button" className={following ? "button button-secondary" : "button"} aria-pressed={following} disabled={busy} onClick={toggle}>
      {following ? t("tags.unfollow", { tag }) : t("tags.follow", { tag })}
    </button>
  );
}

export function FollowedTagsScreen() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [tags, setTags] = useState<Tag[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.followedTags({ limit: 200 }).then((page) => setTags(page.items), setError);
  }, []);

  const unfollow = async (name: string) => {
    try {
      await api.unfollowTag(name);
      setTags((list) => list?.filter((x) => x.name !== name) ?? null);
      announce(t("tags.unfollowed", { tag: name }));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <>
      <PageTitle text={t("tags.followedTitle")} />
      <p className="page-intro">{t("tags.followedIntro")}</p>
      {error ? <ErrorNotice error={error} /> : null}
      {!tags && !error ? <Loading /> : null}
      {tags?.length === 0 ? <EmptyState>{t("tags.followedEmpty")}</EmptyState> : null}
      <ul className="plain-list">
        {tags?.map((tag) => (
          <li key={tag.name} className="card list-entry">
            <Link to={paths.tag(tag.name)}>#{tag.name}</Link>
            <button type="button" className="button button-small button-secondary" onClick={() => unfollow(tag.name)} aria-label={t("tags.unfollow", { tag: tag.name })}>
              {t("tags.unfollowShort")}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
