import { PageTitle } from "../components/common";
import { useI18n } from "../i18n/context";
import { Link } from "../lib/router";

export function NotFoundScreen() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={t("notFound.title")} />
      <p>{t("notFound.text")}</p>
      <p>
        <Link to="/">{t("notFound.back")}</Link>
      </p>
    </>
  );
}
