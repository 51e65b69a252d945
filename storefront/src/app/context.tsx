/** What every page uses: the configuration, the API client, the signed-in customer. */
import type { User, UserManager } from "oidc-client-ts";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { apiCreate, type Api } from "../api/client";
import { CALLBACK_PATH } from "../auth/session";
import type { Config } from "../config";

interface Shop {
  config: Config;
  api: Api;
  /** The sign-in manager: oidc-client-ts, loaded (a chunk of its own) when first asked for. */
  auth: () => Promise<UserManager>;
  /** The signed-in customer, or null for a guest. */
  user: User | null;
  /** Whether the stored sign-in has been read (until then, the cart waits). */
  ready: boolean;
}

const ShopContext = createContext<Shop | null>(null);

/** Whether this browser holds a sign-in (oidc-client-ts's key in localStorage), read without
 * oidc-client-ts: a guest's first page never loads it. */
export function hasStoredSignIn(config: Config): boolean {
  try {
    return localStorage.getItem(`oidc.user:${config.auth.authority}:${config.auth.clientId}`) !== null;
  } catch {
    return false;
  }
}

export function ShopProvider({
  config,
  auth,
  children,
}: {
  config: Config;
  auth?: UserManager;
  children: ReactNode;
}) {
  const [user, setUser] = useState<User | null>(null);
  // A guest (no stored sign-in, not coming back from signing in) is ready at once.
  const [needed] = useState(
    () => auth !== undefined || hasStoredSignIn(config) || window.location.pathname === CALLBACK_PATH,
  );
  const [ready, setReady] = useState(!needed);
  const idToken = user && !user.expired ? (user.id_token ?? null) : null;
  const api = useMemo(() => apiCreate(config.apiBaseUrl, () => idToken), [config, idToken]);
  const mounted = useRef(true);
  const loading = useRef<Promise<UserManager> | null>(null);

  // The sign-in manager, loaded (a chunk of its own) the first time something needs it: a
  // stored sign-in at start, the sign-in callback, a "Sign in" click.
  const manager = useCallback((): Promise<UserManager> => {
    loading.current ??= (auth ? Promise.resolve(auth) : import("../auth/auth").then((m) => m.authCreate(config))).then(
      (ready) => {
        ready.events.addUserLoaded((next) => {
          if (mounted.current) setUser(next);
        });
        const unloaded = () => {
          if (mounted.current) setUser(null);
        };
        ready.events.addUserUnloaded(unloaded);
        ready.events.addSilentRenewError(unloaded);
        return ready;
      },
    );
    return loading.current;
  }, [auth, config]);

  useEffect(() => {
    mounted.current = true;
    if (!needed) return;
    void manager()
      .then((ready) => ready.getUser())
      .then((stored) => {
        if (mounted.current) setUser(stored && !stored.expired ? stored : null);
      })
      .catch((error: unknown) => {
        console.warn("Sign-in could not start:", error);
      })
      .finally(() => {
        if (mounted.current) setReady(true);
      });
    return () => {
      mounted.current = false;
    };
  }, [needed, manager]);

  const value = useMemo(() => ({ config, api, auth: manager, user, ready }), [config, api, manager, user, ready]);
  return <ShopContext.Provider value={value}>{children}</ShopContext.Provider>;
}

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error("useShop outside ShopProvider");
  return shop;
}
