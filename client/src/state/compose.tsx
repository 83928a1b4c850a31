// Replying and editing happen in a dialog that any status can open.
import { createContext, lazy, Suspense, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { Status } from "../api/types";
import { Dialog } from "../components/Dialog";
import { useI18n } from "../i18n/context";

const Composer = lazy(() => import("../components/Composer").then((m) => ({ default: m.Composer })));

type ComposeRequest = { replyTo: Status } | { edit: Status };

interface ComposeValue {
  open: (request: ComposeRequest) => void;
}

const ComposeContext = createContext<ComposeValue>({ open: () => {} });

export function ComposeProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [request, setRequest] = useState<ComposeRequest | null>(null);
  const close = useCallback(() => setRequest(null), []);
  const value = useMemo(() => ({ open: (r: ComposeRequest) => setRequest(r) }), []);
  const title = request && "edit" in request ? t("compose.editTitle") : t("compose.replyTitle");
  return (
    <ComposeContext.Provider value={value}>
      {children}
      <Dialog open={request !== null} title={title} onClose={close} className="dialog-compose">
        {request ? (
          <Suspense fallback={<p>{t("common.loading")}</p>}>
            <Composer
              key={"edit" in request ? `edit-${request.edit.id}` : `reply-${request.replyTo.id}`}
              replyTo={"replyTo" in request ? request.replyTo : undefined}
              edit={"edit" in request ? request.edit : undefined}
              onDone={close}
              autoFocus
            />
          </Suspense>
        ) : null}
      </Dialog>
    </ComposeContext.Provider>
  );
}

export function useCompose(): ComposeValue {
  return useContext(ComposeContext);
}
