import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { UserManager } from "oidc-client-ts";
import { useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";

import { ApiError } from "./api/errors";
import { ShopProvider } from "./app/context";
import { CALLBACK_PATH } from "./auth/auth";
import { Layout } from "./components/Layout";
import type { Config } from "./config";
import { Account } from "./pages/Account";
import { Cart } from "./pages/Cart";
import { Catalog } from "./pages/Catalog";
import { Checkout } from "./pages/Checkout";
import { NotFound } from "./pages/NotFound";
import { Order } from "./pages/Order";
import { Product } from "./pages/Product";
import { SignedIn } from "./pages/SignedIn";

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
