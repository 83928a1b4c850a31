// The composer's place: "Ajouter un lieu" opens a small map with a pin (or
// coordinate fields) and a name; the post is sent with it as parvis_place.
import { useId } from "react";
import { useI18n } from "../i18n/context";
import { PositionPicker, type Position } from "./PositionPicker";

export interface PlaceDraft {
  position: Position | null;
  name: string;
}

export function ComposerPlace({ value, onChange, onRemove }: { value: PlaceDraft; onChange: (place: PlaceDraft) => void; onRemove: () => void }) {
  const { t } = useI18n();
  const ids = useId();
  return (
    <div className="composer-place">
      <PositionPicker legend={t("map.placeLegend")} value={value.position} onChange={(position) => onChange({ ...value, position })} />
      <div className="field">
        <label htmlFor={`${ids}-name`}>{t("map.placeName")}</label>
        <input id={`${ids}-name`} type="text" maxLength={200} value={value.name} onChange={(e) => onChange({ ...value, name: e.target.value })} autoComplete="off" />
      </div>
      <div>
        <button type="button" className="button button-small button-secondary" onClick={onRemove}>
          {t("map.removePlace")}
        </button>
      </div>
    </div>
  );
}
