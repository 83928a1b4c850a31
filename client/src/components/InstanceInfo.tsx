// What a commune's instance says about itself: description, charter, rules, contact.
import type { Instance } from "../api/types";
import { useI18n } from "../i18n/context";
import { paragraphs } from "../lib/format";
import { Link, paths } from "../lib/router";

export function InstanceInfo({ instance, headingLevel }: { instance: Instance; headingLevel: 2 | 3 }) {
  const { t } = useI18n();
  const H = headingLevel === 2 ? "h2" : "h3";
  const charter = paragraphs(instance.parvis?.charter);
  const contact = instance.contact;
  return (
    <div className="instance-info">
      <section className="card" aria-labelledby="instance-about">
        <H id="instance-about">{t("about.whoWeAre")}</H>
        {instance.description ? paragraphs(instance.description).map((p, i) => <p key={i}>{p}</p>) : <p>{t("about.noDescription")}</p>}
        <dl className="facts">
          {instance.parvis?.commune_name ? (
            <div>
              <dt>{t("about.commune")}</dt>
              <dd>{instance.parvis.commune_name}</dd>
            </div>
          ) : null}
          {instance.parvis?.insee_code ? (
            <div>
              <dt>{t("about.insee")}</dt>
              <dd>{instance.parvis.insee_code}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t("about.address")}</dt>
            <dd>{instance.domain}</dd>
          </div>
          <div>
            <dt>{t("about.registrations")}</dt>
            <dd>
              {!instance.registrations.enabled
                ? t("register.modeClosed")
                : instance.registrations.approval_required
                  ? t("register.modeApproval")
                  : t("register.modeOpen")}
            </dd>
          </div>
        </dl>
      </section>
      {charter.length ? (
        <section className="card" aria-labelledby="instance-charter">
          <H id="instance-charter">{t("about.charter")}</H>
          {charter.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </section>
      ) : null}
      <section className="card" aria-labelledby="instance-rules">
        <H id="instance-rules">{t("about.rules")}</H>
        <RulesList instance={instance} />
      </section>
      <section className="card" aria-labelledby="instance-transparency">
        <H id="instance-transparency">{t("about.transparency")}</H>
        <ul className="plain-list">
          <li>
            <Link to="/moderation_log">{t("modlog.link")}</Link> — {t("about.moderationLogHint")}
          </li>
          <li>
            <Link to="/privacy">{t("privacy.link")}</Link> — {t("about.privacyHint")}
          </li>
        </ul>
      </section>
      {contact?.email || contact?.account ? (
        <section className="card" aria-labelledby="instance-contact">
          <H id="instance-contact">{t("about.contact")}</H>
          <ul className="plain-list">
            {contact.email ? (
              <li>
                <a href={`mailto:${contact.email}`}>{contact.email}</a>
              </li>
            ) : null}
            {contact.account ? (
              <li>
                <Link to={paths.profile(contact.account.acct)}>@{contact.account.acct}</Link>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

export function RulesList({ instance }: { instance: Instance }) {
  const { t } = useI18n();
  if (!instance.rules?.length) return <p>{t("about.noRules")}</p>;
  return (
    <ol className="rules">
      {instance.rules.map((rule) => (
        <li key={rule.id} id={`rule-${rule.id}`}>
          <span className="rule-text">{rule.text}</span>
          {rule.hint ? <span className="rule-hint">{rule.hint}</span> : null}
        </li>
      ))}
    </ol>
  );
}
