// The structured fields of an observation's post (a surveillance camera, a
// civic issue): what it is, its main OpenStreetMap tags in words, whether it is
// still there, when it was last seen. Shown inside the status; the map screens
// show the full detail.
import type { StatusObservation } from "../api/types";
import { useI18n } from "../i18n/context";

/** The tags shown, in this order; values of the listed ones are translated, the others (free text) shown as they are. */
const SHOWN: Record<StatusObservation["kind"], string[]> = {
  camera: ["camera:type", "surveillance:zone", "camera:mount", "camera:direction", "operator", "operator:type", "surveillance:signage", "surveillance:signage:controller"],
  issue: ["description"],
};
const TRANSLATED = new Set(["surveillance:type", "camera:type", "surveillance:zone", "camera:mount", "operator:type", "surveillance:signage", "issue"]);

export function ObservationCard({ observation }: { observation: StatusObservation }) {
  const { t, formatDate } = useI18n();
  const { kind, tags, state } = observation;
  // a value this version does not know (from another instance) is shown as it is
  const label = (key: string, raw: string) => {
    const text = t(`observation.value.${key}.${raw}`);
    return text === `observation.value.${key}.${raw}` ? raw : text;
  };
  const title = kind === "camera" ? label("surveillance:type", tags["surveillance:type"] ?? "camera") : label("issue", tags.issue ?? "other");
  const value = (key: string) => {
    const raw = tags[key];
    if (TRANSLATED.has(key)) return label(key, raw);
    if (key === "camera:direction" && /^\d/.test(raw)) return `${raw}°`;
    return raw;
  };
  const rows = SHOWN[kind].filter((key) => tags[key]);
  return (
    <section className={`observation-card observation-${state}`} aria-label={t(`observation.kind.${kind}`)}>
      <p className="observation-title">
        <strong>{title}</strong> <span className="observation-state">{t(`observation.state.${state}`)}</span>
      </p>
      {rows.length ? (
        <dl className="observation-tags">
          {rows.map((key) => (
            <div key={key}>
              <dt>{t(`observation.tag.${key}`)}</dt>
              <dd>{value(key)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p className="observation-seen">
        {t("observation.lastSeen", { date: formatDate(observation.last_seen_at) })}
        {observation.confirmations_count > 0 ? ` · ${t("observation.confirmations", { count: observation.confirmations_count })}` : ""}
      </p>
    </section>
  );
}
