/** What every page uses: the configuration, the API client, the signed-in customer. */
import type { User, UserManager } from "oidc-client-ts";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { apiCreate, type Api } from "../api/client";
import { authCreate } from "../auth/auth";
import type { Config } from "../config";

interface Shop {
  config: Config;
  api: Api;
  /** The sign-in manager (oidc-client-ts). */
  auth: () => Promise<UserManager>;
  /** The signed-in customer, or null for a guest. */
  user: User | null;
  /** Whether the stored sign-in has been read (until then, the cart waits). */
  ready: boolean;
}

const ShopContext = createContext<Shop | null>(null);

export function ShopProvider({
  config,
  auth,
  children,
}: {
  config: Config;
  auth?: UserManager;
  children: ReactNode;
}) {
  const manager = useMemo(() => auth ?? authCreate(config), [auth, config]);
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const idToken = user && !user.expired ? (user.id_token ?? null) : null;
  const api = useMemo(() => apiCreate(config.apiBaseUrl, () => idToken), [config, idToken]);

  useEffect(() => {
    let live = true;
    const loaded = (next: User) => setUser(next);
    const unloaded = () => setUser(null);
    manager.events.addUserLoaded(loaded);
    manager.events.addUserUnloaded(unloaded);
    manager.events.addSilentRenewError(unloaded);
    void manager
      .getUser()
      .then((stored) => {
        if (live) setUser(stored && !stored.expired ? stored : null);
      })
      .finally(() => {
        if (live) setReady(true);
      });
    return () => {
      live = false;
      manager.events.removeUserLoaded(loaded);
      manager.events.removeUserUnloaded(unloaded);
      manager.events.removeSilentRenewError(unloaded);
    };
  }, [manager]);

  const signInManager = useCallback(() => Promise.resolve(manager), [manager]);
  const value = useMemo(
    () => ({ config, api, auth: signInManager, user, ready }),
    [config, api, signInManager, user, ready],
  );
  return <ShopContext.Provider value={value}>{children}</ShopContext.Provider>;
}

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error("useShop outside ShopProvider");
  return shop;
}
