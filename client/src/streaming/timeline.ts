// Pure state of a list of statuses, and how streaming events change it.
// The same reducer serves home, local, federated, tag and profile lists.
import type { Status } from "../api/types";
import type { StreamMessage } from "./types";

export interface TimelineState {
  statuses: Status[];
  /** new statuses held back while the reader is scrolled down */
  pending: Status[];
  nextMaxId: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

export const emptyTimeline: TimelineState = {
  statuses: [],
  pending: [],
  nextMaxId: null,
  loading: false,
  loaded: false,
  error: null,
};

export type TimelineAction =
  | { type: "loading" }
  | { type: "failed"; error: string }
  | { type: "loaded"; statuses: Status[]; nextMaxId: string | null }
  | { type: "appended"; statuses: Status[]; nextMaxId: string | null }
  /** statuses newer than the first one (gap filled after a reconnection) */
  | { type: "prepended"; statuses: Status[] }
  | { type: "update"; status: Status; buffer: boolean }
  | { type: "delete"; id: string }
  | { type: "status.update"; status: Status }
  | { type: "flush" };

const hasId = (list: Status[], id: string) => list.some((s) => s.id === id);

/** Merge an updated status into the one we had: fields absent from the update keep their value. */
function merge(old: Status, updated: Status): Status {
  return { ...old, ...updated };
}

function replaceIn(list: Status[], updated: Status): Status[] {
  let changed = false;
  const next = list.map((s) => {
    if (s.id === updated.id) {
      changed = true;
      return merge(s, updated);
    }
    if (s.reblog && s.reblog.id === updated.id) {
      changed = true;
      return { ...s, reblog: merge(s.reblog, updated) };
    }
    return s;
  });
  return changed ? next : list;
}

function removeFrom(list: Status[], id: string): Status[] {
  const next = list.filter((s) => s.id !== id && s.reblog?.id !== id);
  return next.length === list.length ? list : next;
}

function dedupe(list: Status[]): Status[] {
  const seen = new Set<string>();
  return list.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)));
}

export function timelineReducer(state: TimelineState, action: TimelineAction): TimelineState {
  switch (action.type) {
    case "loading":
      return { ...state, loading: true, error: null };
    case "failed":
      return { ...state, loading: false, error: action.error };
    case "loaded":
      return { ...state, statuses: dedupe(action.statuses), pending: [], nextMaxId: action.nextMaxId, loading: false, loaded: true, error: null };
    case "appended":
      return {
        ...state,
        statuses: dedupe([...state.statuses, ...action.statuses]),
        nextMaxId: action.nextMaxId,
        loading: false,
        error: null,
      };
    case "prepended":
      return { ...state, statuses: dedupe([...action.statuses, ...state.statuses]) };
    case "update": {
      const { status } = action;
      if (hasId(state.statuses, status.id) || hasId(state.pending, status.id)) return state;
      if (action.buffer) return { ...state, pending: [status, ...state.pending] };
      return { ...state, statuses: [status, ...state.statuses] };
    }
    case "delete": {
      const statuses = removeFrom(state.statuses, action.id);
      const pending = removeFrom(state.pending, action.id);
      return statuses === state.statuses && pending === state.pending ? state : { ...state, statuses, pending };
    }
    case "status.update": {
      const statuses = replaceIn(state.statuses, action.status);
      const pending = replaceIn(state.pending, action.status);
      return statuses === state.statuses && pending === state.pending ? state : { ...state, statuses, pending };
    }
    case "flush":
      if (state.pending.length === 0) return state;
      return { ...state, statuses: dedupe([...state.pending, ...state.statuses]), pending: [] };
  }
}

/**
 * Turns a streaming message into a reducer action. `acceptNew` says whether
 * this list takes new statuses from the message's stream; deletions and edits
 * apply to any list that shows the status.
 */
export function actionForMessage(message: StreamMessage, options: { acceptNew: boolean; buffer: boolean }): TimelineAction | null {
  switch (message.event) {
    case "update":
      return options.acceptNew ? { type: "update", status: message.payload, buffer: options.buffer } : null;
    case "delete":
      return { type: "delete", id: message.payload };
    case "status.update":
      return { type: "status.update", status: message.payload };
    default:
      return null;
  }
}

export function applyStreamMessage(state: TimelineState, message: StreamMessage, options: { acceptNew: boolean; buffer: boolean }): TimelineState {
  const action = actionForMessage(message, options);
  return action ? timelineReducer(state, action) : state;
}
