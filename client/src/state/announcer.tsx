// A polite aria-live region for what happens without the reader asking:
// new posts arriving, notifications, confirmations.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";

const AnnouncerContext = createContext<(message: string) => void>(() => {});

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  // Two regions used in turn, so that the same sentence twice is read twice.
  const [messages, setMessages] = useState<[string, string]>(["", ""]);
  const turn = useRef(0);
  const announce = useCallback((message: string) => {
    turn.current = 1 - turn.current;
    const slot = turn.current;
    setMessages(slot === 0 ? [message, ""] : ["", message]);
  }, []);
  const value = useMemo(() => announce, [announce]);
  return (
    <AnnouncerContext.Provider value={value}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {messages[0]}
      </div>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {messages[1]}
      </div>
    </AnnouncerContext.Provider>
  );
}

export function useAnnounce(): (message: string) => void {
  return useContext(AnnouncerContext);
}
