// The map's endpoints (Parvis extensions, docs/api.md): the map's configuration,
// observations (cameras, civic issues) and posts with a place.
import { request, requestPage, type Page } from "./http";
import type { Account, ObservationKind, ObservationState, Place, Status, Visibility } from "./types";

export type { Place };

const enc = encodeURIComponent;

export interface MapConfig {
  tiles: boolean;
  tile_url: string | null;
  attribution: string;
  /** [latitude, longitude] */
  center: [number, number] | null;
  zoom: number;
}


export interface Observation {
  id: string;
  kind: ObservationKind;
  latitude: number;
  longitude: number;
  /** OpenStreetMap keys and their values */
  tags: Record<string, string>;
  state: ObservationState;
  last_seen_at: string;
  confirmations_count: number;
  osm_id: string | null;
  /** null for this instance's, the domain of the instance it came from otherwise */
  origin: string | null;
  created_at: string;
  updated_at: string;
  status: Status;
}

export type ObservationAction = "created" | "corrected" | "confirmed" | "gone_proposed" | "gone_confirmed" | "gone_rejected";

export interface ObservationHistoryEntry {
  id: string;
  action: ObservationAction;
  account: Account | null;
  changes: Record<string, unknown> | null;
  seen_at: string | null;
  created_at: string;
}

export interface ObservationInput {
  kind: ObservationKind;
  latitude: number;
  longitude: number;
  tags: Record<string, string>;
  status: string;
  media_ids?: string[];
  group_id?: string;
  visibility?: Visibility;
  language?: string;
}

export interface ObservationChange {
  latitude?: number;
  longitude?: number;
  tags?: Record<string, string>;
  status?: string;
}

/** minLon,minLat,maxLon,maxLat */
export type Bbox = [number, number, number, number];

export interface ObservationFilter {
  bbox?: Bbox;
  kind?: ObservationKind;
  group_id?: string;
  /** ISO dates */
  since?: string;
  until?: string;
  state?: ObservationState;
  limit?: number;
  max_id?: string;
}

const bboxParam = (b: Bbox | undefined) => (b ? b.map((n) => Number(n.toFixed(6))).join(",") : undefined);

async function data<T>(promise: Promise<{ data: T }>): Promise<T> {
  return (await promise).data;
}

export const mapApi = {
  config: () => data(request<MapConfig>("GET", "/api/parvis/map/config")),
  observations: (filter: ObservationFilter = {}): Promise<Page<Observation>> =>
    requestPage<Observation>("/api/parvis/observations", { ...filter, bbox: bboxParam(filter.bbox) }),
  places: (query: { bbox?: Bbox; limit?: number; max_id?: string } = {}): Promise<Page<Status>> =>
    requestPage<Status>("/api/parvis/places", { ...query, bbox: bboxParam(query.bbox) }),
  observation: (id: string) => data(request<Observation>("GET", `/api/parvis/observations/${enc(id)}`)),
  createObservation: (input: ObservationInput) => data(request<Observation>("POST", "/api/parvis/observations", { json: input })),
  updateObservation: (id: string, change: ObservationChange) =>
    data(request<Observation>("PATCH", `/api/parvis/observations/${enc(id)}`, { json: change })),
  confirmObservation: (id: string) => data(request<Observation>("POST", `/api/parvis/observations/${enc(id)}/confirm`, { json: {} })),
  proposeGone: (id: string, reason?: string) =>
    data(request<Observation>("POST", `/api/parvis/observations/${enc(id)}/gone`, { json: reason ? { reason } : {} })),
  rejectGone: (id: string) => data(request<Observation>("POST", `/api/parvis/observations/${enc(id)}/gone/reject`, { json: {} })),
  observationHistory: (id: string) => data(request<ObservationHistoryEntry[]>("GET", `/api/parvis/observations/${enc(id)}/history`)),
};
