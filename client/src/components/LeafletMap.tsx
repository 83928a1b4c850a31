// A Leaflet map (bundled, with its CSS: nothing is loaded from another origin):
// tiles from our own /tiles proxy when the instance has a tile server, a plain
// background otherwise; markers for observations and posts (clustered at low
// zoom), and an optional draggable pin for choosing a position. The list beside
// the map is the accessible equivalent of its markers: screens always show one.
import { useEffect, useRef } from "react";
import L from "leaflet";
import "leaflet.markercluster";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";
import "leaflet.markercluster/dist/MarkerCluster.Default.css";
import type { Bbox, MapConfig, ObservationState } from "../api";
import { navigate } from "../lib/router";
import "./LeafletMap.css";

export interface MapMarker {
  id: string;
  latitude: number;
  longitude: number;
  kind: "camera" | "issue" | "post";
  state?: ObservationState;
  /** the marker's accessible name and tooltip */
  title: string;
  /** opened on click (or Enter) */
  href: string;
}

export interface MapView {
  bbox: Bbox;
  center: [number, number];
  zoom: number;
}

interface Props {
  config: MapConfig;
  center: [number, number];
  zoom: number;
  /** the map's accessible name */
  label: string;
  markers?: MapMarker[];
  cluster?: boolean;
  onView?: (view: MapView) => void;
  /** the position being chosen: a draggable pin */
  pin?: { latitude: number; longitude: number } | null;
  /** a click on the map or a dragged pin */
  onPin?: (latitude: number, longitude: number) => void;
  pinLabel?: string;
  /** move the view there when its key changes */
  focus?: { latitude: number; longitude: number; zoom?: number; key: number } | null;
  className?: string;
}

// Leaflet's UMD build registers itself as window.L, which is where the cluster plugin adds its layer.
const Leaflet: typeof L = (L as typeof L & { markerClusterGroup?: unknown }).markerClusterGroup
  ? L
  : ((globalThis as unknown as { L?: typeof L }).L ?? L);

const ICONS: Record<MapMarker["kind"], string> = {
  camera:
    '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3 7h11l3-2v14l-3-2H3z"/><circle cx="8" cy="12" r="2.6" fill="#fff"/></svg>',
  issue:
    '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 2 1 21h22z"/><path fill="#fff" d="M11 9h2v6h-2zm0 8h2v2h-2z"/></svg>',
  post: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3 4h18v12H8l-5 4z"/></svg>',
};

function markerIcon(marker: MapMarker) {
  return Leaflet.divIcon({
    className: `map-marker map-marker-${marker.kind} map-marker-${marker.state ?? "present"}`,
    html: `<span class="map-marker-body">${ICONS[marker.kind]}</span>`,
    iconSize: [30, 30],
    iconAnchor: [15, 28],
  });
}

const pinIcon = () =>
  Leaflet.divIcon({
    className: "map-pin",
    html: '<svg viewBox="0 0 24 36" width="28" height="42" aria-hidden="true" focusable="false"><path fill="currentColor" stroke="#fff" stroke-width="1.5" d="M12 1C6 1 1.5 5.5 1.5 11.5 1.5 19 12 35 12 35s10.5-16 10.5-23.5C22.5 5.5 18 1 12 1z"/><circle cx="12" cy="11.5" r="4" fill="#fff"/></svg>',
    iconSize: [28, 42],
    iconAnchor: [14, 41],
  });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

export function LeafletMap({ config, center, zoom, label, markers, cluster, onView, pin, onPin, pinLabel, focus, className }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const pinMarker = useRef<L.Marker | null>(null);
  const callbacks = useRef({ onView, onPin });
  callbacks.current = { onView, onPin };

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const m = Leaflet.map(element, { center, zoom, zoomControl: true, attributionControl: true, worldCopyJump: false, maxZoom: 19 });
    m.attributionControl.setPrefix(false);
    if (config.tiles && config.tile_url) {
      Leaflet.tileLayer(config.tile_url, { maxZoom: 19, minZoom: 0, attribution: escapeHtml(config.attribution), crossOrigin: false }).addTo(m);
    }
    const group = cluster
      ? Leaflet.markerClusterGroup({
          showCoverageOnHover: false,
          maxClusterRadius: 50,
          iconCreateFunction: (c) =>
            Leaflet.divIcon({
              className: "map-cluster",
              html: `<span>${c.getChildCount()}</span>`,
              iconSize: [36, 36],
            }),
        })
      : Leaflet.layerGroup();
    group.addTo(m);
    layer.current = group;
    const report = () => {
      const b = m.getBounds();
      const c = m.getCenter();
      callbacks.current.onView?.({
        bbox: [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)],
        center: [c.lat, c.lng],
        zoom: m.getZoom(),
      });
    };
    m.on("moveend", report);
    m.on("click", (e: L.LeafletMouseEvent) => callbacks.current.onPin?.(e.latlng.lat, e.latlng.lng));
    map.current = m;
    report();
    const resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => m.invalidateSize());
    resize?.observe(element);
    return () => {
      resize?.disconnect();
      m.off();
      m.remove();
      map.current = null;
      layer.current = null;
      pinMarker.current = null;
    };
    // the map is made once; later centres come through `focus`
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const group = layer.current;
    if (!group) return;
    group.clearLayers();
    for (const marker of markers ?? []) {
      const m = Leaflet.marker([marker.latitude, marker.longitude], { icon: markerIcon(marker), title: marker.title, keyboard: true, riseOnHover: true });
      m.on("click", () => navigate(marker.href));
      group.addLayer(m);
    }
  }, [markers]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    if (!pin) {
      pinMarker.current?.remove();
      pinMarker.current = null;
      return;
    }
    if (!pinMarker.current) {
      const p = Leaflet.marker([pin.latitude, pin.longitude], { icon: pinIcon(), draggable: true, title: pinLabel ?? "", keyboard: false, zIndexOffset: 1000 });
      p.on("dragend", () => {
        const at = p.getLatLng();
        callbacks.current.onPin?.(at.lat, at.lng);
      });
      p.addTo(m);
      pinMarker.current = p;
    } else {
      pinMarker.current.setLatLng([pin.latitude, pin.longitude]);
    }
  }, [pin?.latitude, pin?.longitude, pinLabel]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (focus && map.current) map.current.setView([focus.latitude, focus.longitude], focus.zoom ?? map.current.getZoom());
  }, [focus?.key]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div
      ref={container}
      className={`leaflet-map${config.tiles ? "" : " leaflet-map-plain"}${className ? ` ${className}` : ""}`}
      role="region"
      aria-label={label}
    />
  );
}
