/** Signing in and out, with the manager useShop().auth() gives (auth.ts makes it). */
import type { User, UserManager } from "oidc-client-ts";

import type { Config } from "../config";

export const CALLBACK_PATH = "/signed-in";

/** Where to come back to after signing in. */
export interface SignInState {
  returnTo: string;
}

export async function signIn(manager: () => Promise<UserManager>, returnTo: string): Promise<void> {
  const state: SignInState = { returnTo };
  await (await manager()).signinRedirect({ state });
}

export function signOutUrl(config: Config): string {
  const query = new URLSearchParams({
    client_id: config.auth.clientId,
    logout_uri: window.location.origin + "/",
  });
  return `${config.auth.domain.replace(/\/+$/, "")}/logout?${query.toString()}`;
}

export async function signOut(manager: () => Promise<UserManager>, config: Config): Promise<void> {
  await (await manager()).removeUser();
  window.location.assign(signOutUrl(config));
}

export function displayName(user: User): string {
  const profile = user.profile;
  const given = typeof profile.given_name === "string" ? profile.given_name : "";
  return given || profile.email || "Account";
}
