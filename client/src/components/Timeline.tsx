// A live list of statuses: first page, "load more", streaming updates, and a
// "N new posts" button when the reader has scrolled away from the top.
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { Page } from "../api/http";
import type { Status as StatusEntity } from "../api/types";
import { useI18n } from "../i18n/context";
import { useAnnounce } from "../state/announcer";
import { onReconnect, subscribe, subscribeEdits } from "../streaming/socket";
import { emptyTimeline, actionForMessage, timelineReducer } from "../streaming/timeline";
import type { StreamMessage, StreamSpec } from "../streaming/types";
import { EmptyState, ErrorNotice, Loading } from "./common";
import { Status } from "./Status";

const PAGE_SIZE = 20;

export type PageLoader = (query: { max_id?: string; min_id?: string; limit: number }) => Promise<Page<StatusEntity>>;

interface TimelineProps {
  /** identifies the list: a new value reloads it */
  id: string;
  load: PageLoader;
  /** the stream bringing new statuses, or null for a list without live additions */
  stream: StreamSpec | null;
  /** names the list as a region; leave out when a labelled section already wraps it */
  label?: string;
  emptyText: string;
}

function scrolledAway(): boolean {
  return typeof window !== "undefined" && window.scrollY > 400;
}

export function Timeline({ id, load, stream, label, emptyText }: TimelineProps) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const [state, dispatch] = useReducer(timelineReducer, emptyTimeline);
  const stateRef = useRef(state);
  stateRef.current = state;
  const loadRef = useRef(load);
  loadRef.current = load;
  const listRef = useRef<HTMLUListElement>(null);
  const arrivals = useRef(0);
  const announceTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const fetchFirst = useCallback(async () => {
    dispatch({ type: "loading" });
    try {
      const page = await loadRef.current({ limit: PAGE_SIZE });
      dispatch({ type: "loaded", statuses: page.items, nextMaxId: nextCursor(page) });
    } catch (error) {
      dispatch({ type: "failed", error: error instanceof Error ? error.message : String(error) });
    }
  }, []);

  useEffect(() => {
    void fetchFirst();
  }, [id, fetchFirst]);

  const loadMore = async () => {
    const cursor = stateRef.current.nextMaxId;
    if (!cursor || stateRef.current.loading) return;
    dispatch({ type: "loading" });
    try {
      const page = await loadRef.current({ max_id: cursor, limit: PAGE_SIZE });
      dispatch({ type: "appended", statuses: page.items, nextMaxId: nextCursor(page) });
    } catch (error) {
      dispatch({ type: "failed", error: error instanceof Error ? error.message : String(error) });
    }
  };

  // Live updates: new statuses from our stream, deletions and edits from any.
  useEffect(() => {
    const onMessage = (message: StreamMessage) => {
      const buffer = scrolledAway();
      const action = actionForMessage(message, { acceptNew: stream !== null, buffer });
      if (!action) return;
      if (action.type === "update") {
        const known = stateRef.current.statuses.some((s) => s.id === action.status.id) || stateRef.current.pending.some((s) => s.id === action.status.id);
        if (!known) {
          arrivals.current++;
          if (announceTimer.current) clearTimeout(announceTimer.current);
          announceTimer.current = setTimeout(() => {
            announce(t("timeline.newPosts", { count: arrivals.current }));
            arrivals.current = 0;
          }, 1500);
        }
      }
      dispatch(action);
    };
    const unsubscribe = stream ? subscribe(stream, onMessage) : subscribeEdits(onMessage);
    const stopReconnect = onReconnect(async () => {
      const newest = stateRef.current.pending[0]?.id ?? stateRef.current.statuses[0]?.id;
      if (!newest || !stream) return;
      try {
        const page = await loadRef.current({ min_id: newest, limit: 40 });
        dispatch({ type: "prepended", statuses: page.items });
      } catch {
        // the next reconnection or reload will catch up
      }
    });
    return () => {
      unsubscribe();
      stopReconnect();
      if (announceTimer.current) clearTimeout(announceTimer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, stream === null ? "" : JSON.stringify(stream), announce, t]);

  const showPending = () => {
    dispatch({ type: "flush" });
    window.scrollTo?.({ top: 0 });
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>("article a, article button")?.focus());
  };

  const Wrapper = label ? "section" : "div";
  return (
    <Wrapper className="timeline" aria-label={label} aria-busy={state.loading}>
      {state.pending.length > 0 ? (
        <div className="new-posts">
          <button type="button" className="button new-posts-button" onClick={showPending}>
            {t("timeline.showNew", { count: state.pending.length })}
          </button>
        </div>
      ) : null}
      {state.error && !state.loading ? <ErrorNotice error={t("timeline.error")} onRetry={state.loaded ? loadMore : fetchFirst} /> : null}
      {state.loaded && state.statuses.length === 0 && !state.loading && !state.error ? <EmptyState>{emptyText}</EmptyState> : null}
      <ul className="status-list" ref={listRef}>
        {state.statuses.map((status) => (
          <li key={status.id}>
            <Status status={status} />
          </li>
        ))}
      </ul>
      {state.loading ? <Loading /> : null}
      {state.loaded && state.nextMaxId && !state.loading ? (
        <div className="load-more">
          <button type="button" className="button button-secondary" onClick={loadMore}>
            {t("timeline.loadMore")}
          </button>
        </div>
      ) : null}
    </Wrapper>
  );
}

/** Older page cursor: the Link header's, or the last id of a full page. */
function nextCursor(page: Page<StatusEntity>): string | null {
  if (page.nextMaxId) return page.nextMaxId;
  return page.items.length >= PAGE_SIZE ? page.items[page.items.length - 1].id : null;
}
