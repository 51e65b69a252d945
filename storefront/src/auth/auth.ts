/** Sign-in the way Cognito's Hosted UI does it: authorization code with PKCE (oidc-client-ts).
 *
 * The same code signs in through the local stand-in and through Cognito; only the config
 * (authority, client id, domain) differs. The API is called with the ID token. Sign-out ends
 * the session at <domain>/logout, as Cognito wants (its discovery has no end_session_endpoint).
 * This module holds what needs oidc-client-ts's code; session.ts the rest.
 */
import { UserManager, WebStorageStateStore } from "oidc-client-ts";

import type { Config } from "../config";
import { CALLBACK_PATH } from "./session";

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
