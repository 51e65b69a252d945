import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { UserManager } from "oidc-client-ts";
import { lazy, Suspense, useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";

import { ApiError } from "./api/errors";
import { ShopProvider } from "./app/context";
import { CALLBACK_PATH } from "./auth/session";
import { Layout } from "./components/Layout";
import type { Config } from "./config";
import { Loading } from "./components/states";
import { Catalog } from "./pages/Catalog";
import { NotFound } from "./pages/NotFound";
import { Product } from "./pages/Product";

// The pages a first visit lands on (the catalog, a product) come with the app; the others
// are chunks of their own, loaded when opened, so a phone's first page sends less.
const Account = lazy(() => import("./pages/Account").then((m) => ({ default: m.Account })));
const Cart = lazy(() => import("./pages/Cart").then((m) => ({ default: m.Cart })));
const Checkout = lazy(() => import("./pages/Checkout").then((m) => ({ default: m.Checkout })));
const Order = lazy(() => import("./pages/Order").then((m) => ({ default: m.Order })));
const SignedIn = lazy(() => import("./pages/SignedIn").then((m) => ({ default: m.SignedIn })));

export function queryClientCreate(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx will not change by asking again; a lost connection or a 5xx may.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

export function Routed() {
  return (
    <Layout>
      <Suspense fallback={<Loading label="Loading the page" />}>
      <Routes>
        <Route path="/" element={<Catalog />} />
        <Route path="/products/:slug" element={<Product />} />
        <Route path="/cart" element={<Cart />} />
        <Route path="/checkout" element={<Checkout />} />
        <Route path="/orders/:reference" element={<Order />} />
        <Route path="/account" element={<Account />} />
        <Route path={CALLBACK_PATH} element={<SignedIn />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
      </Suspense>
    </Layout>
  );
}

export function App({ config, auth }: { config: Config; auth?: UserManager }) {
  const [client] = useState(queryClientCreate);
  return (
    <QueryClientProvider client={client}>
      <ShopProvider config={config} {...(auth && { auth })}>
        <BrowserRouter>
          <Routed />
        </BrowserRouter>
      </ShopProvider>
    </QueryClientProvider>
  );
}
