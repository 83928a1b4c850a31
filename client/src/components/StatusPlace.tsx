// The place a status's author published with it: one small line, the place's
// name (or its coordinates), linking to the map centred on it.
import type { StatusPlace as Place } from "../api";
import { useI18n } from "../i18n/context";
import { Link } from "../lib/router";

/** The map screen centred on a point (route /map). */
export function mapUrl(latitude: number, longitude: number, zoom = 17): string {
  return `/map?lat=${encodeURIComponent(String(latitude))}&lon=${encodeURIComponent(String(longitude))}&zoom=${zoom}`;
}

/** "45,1885° N, 5,7245° E" in French, "45.1885° N, 5.7245° E" in English. */
export function useCoordinates(): (place: Pick<Place, "latitude" | "longitude">) => string {
  const { t, locale } = useI18n();
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 5 });
  return ({ latitude, longitude }) =>
    t("statusPlace.coordinates", {
      lat: number.format(Math.abs(latitude)),
      ns: t(latitude < 0 ? "statusPlace.south" : "statusPlace.north"),
      lon: number.format(Math.abs(longitude)),
      ew: t(longitude < 0 ? "statusPlace.west" : "statusPlace.east"),
    });
}

export function StatusPlace({ place }: { place: Place }) {
  const { t } = useI18n();
  const coordinates = useCoordinates()(place);
  const label = place.name ?? coordinates;
  return (
    <p className="status-place">
      <Link to={mapUrl(place.latitude, place.longitude)} aria-label={t("statusPlace.onMap", { place: label })} title={coordinates}>
        <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" className="icon">
          <path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z" />
          <circle cx="12" cy="9.5" r="2.5" />
        </svg>
        <bdi>{label}</bdi>
      </Link>
    </p>
  );
}
