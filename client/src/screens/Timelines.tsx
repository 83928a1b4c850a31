// Home, local, federated and hashtag timelines, and the root page.
import { useCallback } from "react";
import { api, type TimelineKind } from "../api";
import { Composer } from "../components/Composer";
import { PageTitle } from "../components/common";
import { Timeline } from "../components/Timeline";
import { useI18n } from "../i18n/context";
import type { ScreenProps } from "./props";
import { useSession } from "../state/session";
import type { StreamSpec } from "../streaming/types";
import { FollowTagButton } from "./FollowedTags";
import { LandingScreen } from "./Landing";
import { Announcements } from "../components/Announcements";

function useLoader(kind: TimelineKind) {
  const key = kind.kind === "tag" ? `tag:${kind.tag}` : kind.kind;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useCallback((query: { max_id?: string; min_id?: string; limit: number }) => api.timeline(kind, query), [key]);
}

function ComposeBox() {
  const { t } = useI18n();
  const { account } = useSession();
  if (!account) return null;
  return (
    <section className="compose-box" aria-label={t("compose.sectionLabel")}>
      <Composer />
    </section>
  );
}

export function HomeScreen() {
  const { t } = useI18n();
  const load = useLoader({ kind: "home" });
  return (
    <>
      <PageTitle text={t("timelines.home")} />
      <Announcements />
      <ComposeBox />
      <Timeline id="home" load={load} stream={{ stream: "user" }} label={t("timelines.home")} emptyText={t("timelines.homeEmpty")} />
    </>
  );
}

export function LocalScreen() {
  const { t } = useI18n();
  const { instance } = useSession();
  const load = useLoader({ kind: "local" });
  const name = instance?.parvis?.commune_name || instance?.title || "";
  return (
    <>
      <PageTitle text={t("timelines.local", { name })} />
      <ComposeBox />
      <Timeline id="local" load={load} stream={{ stream: "public:local" }} label={t("timelines.local", { name })} emptyText={t("timelines.empty")} />
    </>
  );
}

export function FederatedScreen() {
  const { t } = useI18n();
  const load = useLoader({ kind: "federated" });
  return (
    <>
      <PageTitle text={t("timelines.federated")} />
      <p className="page-intro">{t("timelines.federatedIntro")}</p>
      <ComposeBox />
      <Timeline id="federated" load={load} stream={{ stream: "public" }} label={t("timelines.federated")} emptyText={t("timelines.empty")} />
    </>
  );
}

export function TagScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const tag = params.tag.replace(/^#/, "");
  const load = useLoader({ kind: "tag", tag });
  const stream: StreamSpec = { stream: "hashtag", tag };
  return (
    <>
      <PageTitle text={`#${tag}`} />
      <FollowTagButton tag={tag} />
      <Timeline id={`tag:${tag}`} load={load} stream={stream} label={t("timelines.tag", { tag })} emptyText={t("timelines.tagEmpty", { tag })} />
    </>
  );
}

/** "/": a resident's home timeline, or the commune's landing page for a visitor. */
export function RootScreen(props: ScreenProps) {
  const { account } = useSession();
  return account ? <HomeScreen /> : <LandingScreen {...props} />;
}
