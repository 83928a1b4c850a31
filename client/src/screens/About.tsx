import { useEffect } from "react";
import { InstanceInfo } from "../components/InstanceInfo";
import { Loading, PageTitle } from "../components/common";
import { useI18n } from "../i18n/context";
import { useSession } from "../state/session";

export function AboutScreen() {
  const { t } = useI18n();
  const { instance } = useSession();
  // the moderation log links each rule as /about#rule-<id>: show it once the rules are there
  useEffect(() => {
    const hash = window.location.hash.slice(1);
    if (instance && hash) document.getElementById(hash)?.scrollIntoView();
  }, [instance]);
  const name = instance?.parvis?.commune_name || instance?.title || t("app.name");
  return (
    <>
      <PageTitle text={t("about.title", { name })} />
      {instance ? <InstanceInfo instance={instance} headingLevel={2} /> : <Loading />}
    </>
  );
}
