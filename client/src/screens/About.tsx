import { InstanceInfo } from "../components/InstanceInfo";
import { Loading, PageTitle } from "../components/common";
import { useI18n } from "../i18n/context";
import { useSession } from "../state/session";

export function AboutScreen() {
  const { t } = useI18n();
  const { instance } = useSession();
  const name = instance?.parvis?.commune_name || instance?.title || t("app.name");
  return (
    <>
      <PageTitle text={t("about.title", { name })} />
      {instance ? <InstanceInfo instance={instance} headingLevel={2} /> : <Loading />}
    </>
  );
}
