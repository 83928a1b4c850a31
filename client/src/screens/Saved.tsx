// A resident's saved posts: bookmarks ("Signets" in French, kept for oneself)
// and favourites ("Favoris", seen by the author).
import { useCallback } from "react";
import { api } from "../api";
import { PageTitle } from "../components/common";
import { Timeline } from "../components/Timeline";
import { useI18n } from "../i18n/context";

export function BookmarksScreen() {
  const { t } = useI18n();
  const load = useCallback((q: { max_id?: string; limit: number }) => api.bookmarks(q), []);
  return (
    <>
      <PageTitle text={t("saved.bookmarks")} />
      <p className="page-intro">{t("saved.bookmarksIntro")}</p>
      <Timeline id="bookmarks" load={load} stream={null} label={t("saved.bookmarks")} emptyText={t("saved.bookmarksEmpty")} />
    </>
  );
}

export function FavouritesScreen() {
  const { t } = useI18n();
  const load = useCallback((q: { max_id?: string; limit: number }) => api.favourites(q), []);
  return (
    <>
      <PageTitle text={t("saved.favourites")} />
      <p className="page-intro">{t("saved.favouritesIntro")}</p>
      <Timeline id="favourites" load={load} stream={null} label={t("saved.favourites")} emptyText={t("saved.favouritesEmpty")} />
    </>
  );
}
