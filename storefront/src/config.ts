/** The storefront's configuration, read at start from /config.json (one build, every stage). */
export interface Config {
  /** Where the API is, without a trailing slash: "http://127.0.0.1:8000". */
  apiBaseUrl: string;
  shopName: string;
  currency: string;
  locale: string;
  auth: {
    /** The OpenID issuer (Cognito: https://cognito-idp.<region>.amazonaws.com/<pool>). */
    authority: string;
    clientId: string;
    /** The user pool domain, where Cognito's Hosted UI signs out (<domain>/logout). */
    domain: string;
  };
  payments: {
    /** "local" (pay and decline buttons, no account) or "stripe". */
    provider: string;
    publishableKey: string;
  };
}

function isConfig(value: unknown): value is Config {
  if (typeof value !== "object" || value === null) return false;
  const c = value as Partial<Config>;
  return (
    typeof c.apiBaseUrl === "string" &&
    typeof c.shopName === "string" &&
    typeof c.auth?.authority === "string" &&
    typeof c.auth.clientId === "string" &&
    typeof c.payments?.provider === "string"
  );
}

export async function configLoad(fetcher: typeof fetch = fetch): Promise<Config> {
  const response = await fetcher("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const body: unknown = await response.json();
  if (!isConfig(body)) throw new Error("config.json does not hold the storefront's settings");
  return { ...body, apiBaseUrl: body.apiBaseUrl.replace(/\/+$/, "") };
}
