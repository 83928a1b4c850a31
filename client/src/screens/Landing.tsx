// The commune's front page for visitors: who we are, the charter and rules,
// and what residents are saying right now.
import { useCallback } from "react";
import { api } from "../api";
import { InstanceInfo } from "../components/InstanceInfo";
import { PageTitle } from "../components/common";
import { Timeline } from "../components/Timeline";
import { useI18n } from "../i18n/context";
import { Link } from "../lib/router";
import type { ScreenProps } from "./props";
import { useSession } from "../state/session";

export function LandingScreen(_props: ScreenProps) {
  const { t } = useI18n();
  const { instance } = useSession();
  const name = instance?.parvis?.commune_name || instance?.title || t("app.name");
  const load = useCallback((query: { max_id?: string; min_id?: string; limit: number }) => api.timeline({ kind: "local" }, query), []);
  const open = instance?.registrations.enabled ?? false;
  return (
    <div className="landing">
      <section className="hero" aria-labelledby="landing-title">
        <PageTitle text={t("landing.title", { name })}>
          <span id="landing-title">{t("landing.title", { name })}</span>
        </PageTitle>
        <p className="hero-lead">{t("landing.lead", { name })}</p>
        <div className="hero-actions">
          {open ? (
            <Link to="/register" className="button">
              {t("landing.join")}
            </Link>
          ) : null}
          <Link to="/login" className={open ? "button button-secondary" : "button"}>
            {t("landing.login")}
          </Link>
        </div>
      </section>
      {instance ? <InstanceInfo instance={instance} headingLevel={2} /> : null}
      <section className="landing-timeline" aria-labelledby="landing-timeline-title">
        <h2 id="landing-timeline-title">{t("landing.timelineTitle", { name })}</h2>
        <Timeline id="landing-local" load={load} stream={{ stream: "public:local" }} emptyText={t("timelines.empty")} />
      </section>
    </div>
  );
}
