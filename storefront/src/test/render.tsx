/** Render the storefront in jsdom with a fake API (fetch) and a fake sign-in. */
import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { User, UserManager } from "oidc-client-ts";
import { MemoryRouter } from "react-router-dom";
import { vi } from "vitest";

import { queryClientCreate, Routed } from "../App";
import { ShopProvider } from "../app/context";
import type { Config } from "../config";

export const CONFIG: Config = {
  apiBaseUrl: "http://api.test",
  shopName: "Test Shop",
  currency: "EUR",
  locale: "en-GB",
  auth: { authority: "http://id.test/pool", clientId: "client", domain: "http://id.test/pool" },
  payments: { provider: "local", publishableKey: "" },
};

export function fakeAuth(user: Partial<User> | null = null): UserManager {
  const noop = () => undefined;
  return {
    events: {
      addUserLoaded: noop,
      removeUserLoaded: noop,
      addUserUnloaded: noop,
      removeUserUnloaded: noop,
      addSilentRenewError: noop,
      removeSilentRenewError: noop,
    },
    getUser: () => Promise.resolve(user),
    signinRedirect: vi.fn(() => Promise.resolve()),
  } as unknown as UserManager;
}

export interface Call {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

type Handler = (call: Call) => Response | Promise<Response> | "network";

/** Answer the API's requests with `handler`; return the calls made. */
export function fakeApi(handler: Handler): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", async (input: Request | string, init?: RequestInit) => {
    const request = typeof input === "string" ? new Request(input, init) : input;
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.clone().text();
    const call = { method: request.method, path: url.pathname + url.search, headers: request.headers, body: text ? (JSON.parse(text) as unknown) : null };
    calls.push(call);
    const answer = await handler(call);
    if (answer === "network") throw new TypeError("Failed to fetch");
    return answer;
  });
  return calls;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

export const envelope = (status: number, code: string, message: string, details = {}) =>
  json(status, { error: { code, message, details } });

export function product(id: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    slug: `product-${id}`,
    sku: `SKU-${id}`,
    name: `Product ${id}`,
    description: "Fine.",
    price: "10.00",
    currency: "EUR",
    category: { id: 1, slug: "coffee", name: "Coffee" },
    stock: 5,
    in_stock: true,
    low_stock: false,
    image: null,
    thumbnail: null,
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

/** An order as the API answers it: placed, unpaid, for Ann in Oslo. */
export function orderAnswer(overrides: Record<string, unknown> = {}) {
  return {
    reference: "ABCDE-FGHJK",
    status: "placed",
    customer: { name: "Ann", email: "ann@example.com", phone: "" },
    shipping_address: { line1: "Main 1", line2: "", city: "Oslo", postal_code: "0150", country: "NO" },
    lines: [],
    subtotal: "20.00",
    shipping: "0.00",
    total: "20.00",
    currency: "EUR",
    tracking_number: null,
    status_history: [{ status: "placed", at: "2026-12-02T10:00:00Z" }],
    created_at: "2026-12-02T10:00:00Z",
    ...overrides,
  };
}

export function renderShop(path: string, user: Partial<User> | null = null, config: Config = CONFIG) {
  return render(
    <QueryClientProvider client={queryClientCreate()}>
      <ShopProvider config={config} auth={fakeAuth(user)}>
        <MemoryRouter initialEntries={[path]}>
          <Routed />
        </MemoryRouter>
      </ShopProvider>
    </QueryClientProvider>,
  );
}
