// Choosing a position: a small map with a draggable pin (a click moves it too),
// and, for keyboard and screen reader users, latitude and longitude fields and
// a "use the map's centre" button. Leaflet is loaded only when one is shown.
import { lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import { mapApi, type MapConfig } from "../api";
import { useI18n } from "../i18n/context";
import { Loading } from "./common";
import type { MapView } from "./LeafletMap";
import "./PositionPicker.css";

const LeafletMap = lazy(async () => ({ default: (await import("./LeafletMap")).LeafletMap }));

/** France, seen whole: where the map opens when the admin set no centre. */
export const FALLBACK_CENTER: [number, number] = [46.6, 2.4];
export const FALLBACK_ZOOM = 5;

let configPromise: Promise<MapConfig> | null = null;
/** The map's configuration, asked once per page load (a failed request is asked again next time). */
export function loadMapConfig(): Promise<MapConfig> {
  configPromise ??= mapApi.config().catch((err: unknown) => {
    configPromise = null;
    throw err;
  });
  return configPromise;
}

export function useMapConfig(): { config: MapConfig | null; error: unknown } {
  const [config, setConfig] = useState<MapConfig | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    loadMapConfig().then(
      (c) => live && setConfig(c),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, []);
  return { config, error };
}

export interface Position {
  latitude: number;
  longitude: number;
}

/** Six decimals: about 10 cm, more than any phone knows. */
export const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export function validLatitude(s: string): boolean {
  const n = Number(s);
  return s.trim() !== "" && Number.isFinite(n) && n >= -90 && n <= 90;
}
export function validLongitude(s: string): boolean {
  const n = Number(s);
  return s.trim() !== "" && Number.isFinite(n) && n >= -180 && n <= 180;
}

interface Props {
  value: Position | null;
  onChange: (position: Position | null) => void;
  /** where the map starts when there is no value yet */
  start?: { center: [number, number]; zoom: number } | null;
  legend: string;
}

export function PositionPicker({ value, onChange, start, legend }: Props) {
  const { t } = useI18n();
  const ids = useId();
  const { config } = useMapConfig();
  const view = useRef<MapView | null>(null);
  const [lat, setLat] = useState(value ? String(value.latitude) : "");
  const [lon, setLon] = useState(value ? String(value.longitude) : "");
  const [focus, setFocus] = useState<{ latitude: number; longitude: number; key: number } | null>(null);

  // the fields follow the pin (dragged, or placed by a click)
  useEffect(() => {
    if (!value) return;
    if (Number(lat) !== value.latitude) setLat(String(value.latitude));
    if (Number(lon) !== value.longitude) setLon(String(value.longitude));
  }, [value?.latitude, value?.longitude]); // eslint-disable-line react-hooks/exhaustive-deps

  const typed = (nextLat: string, nextLon: string) => {
    setLat(nextLat);
    setLon(nextLon);
    if (validLatitude(nextLat) && validLongitude(nextLon)) {
      const position = { latitude: Number(nextLat), longitude: Number(nextLon) };
      onChange(position);
      setFocus({ ...position, key: Date.now() });
    }
  };

  const center = value ? ([value.latitude, value.longitude] as [number, number]) : (start?.center ?? config?.center ?? FALLBACK_CENTER);
  const zoom = value ? 17 : (start?.zoom ?? (config?.center ? config.zoom : FALLBACK_ZOOM));
  const latInvalid = lat !== "" && !validLatitude(lat);
  const lonInvalid = lon !== "" && !validLongitude(lon);

  return (
    <fieldset className="position-picker">
      <legend>{legend}</legend>
      <p id={`${ids}-help`} className="field-help">
        {t("map.positionHelp")}
      </p>
      {config ? (
        <Suspense fallback={<Loading />}>
          <LeafletMap
            config={config}
            center={center}
            zoom={zoom}
            label={t("map.pickerLabel")}
            className="leaflet-map-small"
            pin={value}
            pinLabel={t("map.pin")}
            onPin={(la, lo) => onChange({ latitude: round6(la), longitude: round6(lo) })}
            onView={(v) => {
              view.current = v;
            }}
            focus={focus}
          />
        </Suspense>
      ) : (
        <Loading />
      )}
      <div className="position-fields">
        <div className="field">
          <label htmlFor={`${ids}-lat`}>{t("map.latitude")}</label>
          <input
            id={`${ids}-lat`}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={lat}
            aria-invalid={latInvalid || undefined}
            aria-describedby={`${ids}-help`}
            onChange={(e) => typed(e.target.value.replace(",", "."), lon)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-lon`}>{t("map.longitude")}</label>
          <input
            id={`${ids}-lon`}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={lon}
            aria-invalid={lonInvalid || undefined}
            aria-describedby={`${ids}-help`}
            onChange={(e) => typed(lat, e.target.value.replace(",", "."))}
          />
        </div>
      </div>
      {latInvalid || lonInvalid ? <p className="form-error">{t("map.badCoordinates")}</p> : null}
      <div className="position-actions">
        <button
          type="button"
          className="button button-small button-secondary"
          onClick={() => {
            const c = view.current?.center ?? center;
            onChange({ latitude: round6(c[0]), longitude: round6(c[1]) });
          }}
        >
          {t("map.useCentre")}
        </button>
        {value ? (
          <span className="field-help" aria-live="polite">
            {t("map.pinAt", { latitude: value.latitude.toFixed(5), longitude: value.longitude.toFixed(5) })}
          </span>
        ) : null}
      </div>
    </fieldset>
  );
}
