// Who is using the client (the logged-in account, or a visitor) and the
// instance they are on. The session itself lives in an HttpOnly cookie that
// script cannot read: we only ask the server who we are.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, ApiError, type CredentialAccount, type Instance } from "../api";
import { CSRF_COOKIE, onUnauthorized, readCookie } from "../api/http";
import { restartStreaming } from "../streaming/socket";

export const DEFAULT_MAX_CHARACTERS = 5000;

interface SessionValue {
  ready: boolean;
  account: CredentialAccount | null;
  instance: Instance | null;
  maxCharacters: number;
  /** after a successful login */
  signedIn: (account: CredentialAccount) => void;
  setAccount: (account: CredentialAccount) => void;
  refreshAccount: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [account, setAccountState] = useState<CredentialAccount | null>(null);
  const [instance, setInstance] = useState<Instance | null>(null);

  useEffect(() => {
    let cancelled = false;
    // The session cookie is HttpOnly; its readable CSRF twin is set and cleared
    // with it, so without that one there is no session to ask about.
    const whoAmI = readCookie(CSRF_COOKIE)
      ? api.verifyCredentials().catch((error: unknown) => {
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
          return null;
        })
      : Promise.resolve(null);
    const where = api.instance().catch(() => null);
    Promise.all([whoAmI, where]).then(([me, inst]) => {
      if (cancelled) return;
      setAccountState(me);
      setInstance(inst);
      setReady(true);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  // The session expired or was revoked from another device: back to visitor.
  useEffect(
    () =>
      onUnauthorized(() => {
        setAccountState((current) => {
          if (current) restartStreaming();
          return null;
        });
      }),
    [],
  );

  const signedIn = useCallback((next: CredentialAccount) => {
    setAccountState(next);
    restartStreaming();
  }, []);

  const refreshAccount = useCallback(async () => {
    try {
      setAccountState(await api.verifyCredentials());
    } catch {
      // keep what we have
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setAccountState(null);
      restartStreaming();
    }
  }, []);

  const value = useMemo<SessionValue>(
    () => ({
      ready,
      account,
      instance,
      maxCharacters: instance?.configuration?.statuses?.max_characters ?? DEFAULT_MAX_CHARACTERS,
      signedIn,
      setAccount: setAccountState,
      refreshAccount,
      logout,
    }),
    [ready, account, instance, signedIn, refreshAccount, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** For tests and stories: a fixed session. */
export function StaticSessionProvider({ children, value }: { children: ReactNode; value: Partial<SessionValue> }) {
  const full: SessionValue = {
    ready: true,
    account: null,
    instance: null,
    maxCharacters: DEFAULT_MAX_CHARACTERS,
    signedIn: () => {},
    setAccount: () => {},
    refreshAccount: async () => {},
    logout: async () => {},
    ...value,
  };
  return <SessionContext.Provider value={full}>{children}</SessionContext.Provider>;
}
