// A status with its ancestors and replies (GET /statuses/:id/context),
// kept live: edits, deletions and new replies written here appear in place.
import { useEffect, useMemo, useReducer, useRef } from "react";
import { api, type Status as StatusEntity } from "../api";
import { ErrorNotice, Loading, PageTitle } from "../components/common";
import { Status } from "../components/Status";
import { useI18n } from "../i18n/context";
import type { ScreenProps } from "./props";
import { useSession } from "../state/session";
import { subscribe, subscribeEdits } from "../streaming/socket";
import { emptyTimeline, timelineReducer } from "../streaming/timeline";
import type { StreamMessage } from "../streaming/types";

/** Reply depth of each status below the focused one, for indentation. */
export function replyDepths(statuses: StatusEntity[], mainId: string): Map<string, number> {
  const depths = new Map<string, number>([[mainId, 0]]);
  for (const s of statuses) {
    if (s.id === mainId) continue;
    const parent = s.in_reply_to_id ? depths.get(s.in_reply_to_id) : undefined;
    if (parent !== undefined) depths.set(s.id, parent + 1);
  }
  return depths;
}

export function ThreadScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const { account } = useSession();
  const id = params.id;
  const [state, dispatch] = useReducer(timelineReducer, emptyTimeline);
  const stateRef = useRef(state);
  stateRef.current = state;
  const mainRef = useRef<HTMLLIElement>(null);

  useEffect(() => {
    let cancelled = false;
    dispatch({ type: "loading" });
    Promise.all([api.status(id), api.context(id)])
      .then(([status, context]) => {
        if (cancelled) return;
        dispatch({ type: "loaded", statuses: [...context.ancestors, status, ...context.descendants], nextMaxId: null });
        requestAnimationFrame(() => {
          if (context.ancestors.length) mainRef.current?.scrollIntoView?.({ block: "start" });
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) dispatch({ type: "failed", error: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [id]);

  useEffect(() => {
    const onMessage = (message: StreamMessage) => {
      if (message.event === "delete") dispatch({ type: "delete", id: message.payload });
      else if (message.event === "status.update") dispatch({ type: "status.update", status: message.payload });
      else if (message.event === "update") {
        const reply = message.payload;
        if (reply.in_reply_to_id && stateRef.current.statuses.some((s) => s.id === reply.in_reply_to_id))
          dispatch({ type: "appended", statuses: [reply], nextMaxId: null });
      }
    };
    return account ? subscribe({ stream: "user" }, onMessage) : subscribeEdits(onMessage);
  }, [account]);

  const main = state.statuses.find((s) => s.id === id);
  const depths = useMemo(() => replyDepths(state.statuses, id), [state.statuses, id]);

  return (
    <>
      <PageTitle text={t("thread.title")} />
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorNotice error={t("thread.error")} /> : null}
      {state.loaded && !main ? <p className="notice">{t("thread.deleted")}</p> : null}
      <ol className="status-list thread">
        {state.statuses.map((status) => {
          const depth = depths.get(status.id);
          const isMain = status.id === id;
          const className = isMain ? "thread-main" : depth ? `thread-reply depth-${Math.min(depth, 4)}` : "thread-ancestor";
          return (
            <li key={status.id} className={className} ref={isMain ? mainRef : undefined} aria-current={isMain ? "true" : undefined}>
              <Status status={status} focused={isMain} />
            </li>
          );
        })}
      </ol>
    </>
  );
}
