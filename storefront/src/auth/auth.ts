/** Sign-in the way Cognito's Hosted UI does it: authorization code with PKCE (oidc-client-ts).
 *
 * The same code signs in through the local stand-in and through Cognito; only the config
 * (authority, client id, domain) differs. The API is called with the ID token. Sign-out ends
 * the session at <domain>/logout, as Cognito wants (its discovery has no end_session_endpoint).
 */
import { UserManager, WebStorageStateStore, type User } from "oidc-client-ts";

import type { Config } from "../config";

export const CALLBACK_PATH = "/signed-in";

export function authCreate(config: Config): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    redirect_uri: origin + CALLBACK_PATH,
    post_logout_redirect_uri: origin + "/",
    response_type: "code",
    scope: "openid email profile",
    // Kept across tabs and reloads; the refresh token renews the ID token before it expires.
    userStore: new WebStorageStateStore({ store: window.localStorage }),
    automaticSilentRenew: true,
    loadUserInfo: false,
  });
}

/** Where to come back to after signing in. */
export interface SignInState {
  returnTo: string;
}

export async function signIn(manager: UserManager, returnTo: string): Promise<void> {
  const state: SignInState = { returnTo };
  await manager.signinRedirect({ state });
}

export function signOutUrl(config: Config): string {
  const query = new URLSearchParams({
    client_id: config.auth.clientId,
    logout_uri: window.location.origin + "/",
  });
  return `${config.auth.domain.replace(/\/+$/, "")}/logout?${query.toString()}`;
}

export async function signOut(manager: UserManager, config: Config): Promise<void> {
  await manager.removeUser();
  window.location.assign(signOutUrl(config));
}

export function displayName(user: User): string {
  const profile = user.profile;
  const given = typeof profile.given_name === "string" ? profile.given_name : "";
  return given || profile.email || "Account";
}
