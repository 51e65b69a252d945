/** One cart for every page: the browser's for a guest, the server's once signed in. */
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useSyncExternalStore } from "react";

import { ok } from "../api/client";
import { ApiError } from "../api/errors";
import { useShop } from "../app/context";
import { guestCartRead, guestCartSet, type GuestLine } from "./storage";

export interface CartProduct {
  id: number;
  slug: string;
  name: string;
  price: string;
  stock: number | null;
  thumbnail: string | null;
}

export interface CartLine {
  product: CartProduct;
  quantity: number;
  lineTotal: string;
  /** False when the product is hidden, gone, or has too little stock now. */
  available: boolean;
}

export interface Cart {
  lines: CartLine[];
  count: number;
  subtotal: string;
  isLoading: boolean;
  error: unknown;
  /** The server's cart (signed in) or the browser's (guest). */
  onServer: boolean;
  setQuantity: (productId: number, quantity: number) => Promise<void>;
  add: (productId: number, quantity: number) => Promise<void>;
}

function subscribe(notify: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith("shop.cart")) notify();
  };
  window.addEventListener("shop-cart", notify);
  window.addEventListener("storage", onStorage);
  return () => {
    window.removeEventListener("shop-cart", notify);
    window.removeEventListener("storage", onStorage);
  };
}

let lastRaw = "";
let lastLines: GuestLine[] = [];
function snapshot(): GuestLine[] {
  const raw = localStorage.getItem("shop.cart.v1") ?? "";
  if (raw !== lastRaw) {
    lastRaw = raw;
    lastLines = guestCartRead();
  }
  return lastLines;
}

export function useGuestLines(): GuestLine[] {
  return useSyncExternalStore(subscribe, snapshot, () => []);
}

export const CART_KEY = ["cart"] as const;

export function useCart(): Cart {
  const { api, user } = useShop();
  const client = useQueryClient();
  const signedIn = user !== null;
  const guestLines = useGuestLines();

  const server = useQuery({
    queryKey: [...CART_KEY, user?.profile.sub],
    queryFn: async () => ok(await api.GET("/api/v1/cart/")),
    enabled: signedIn,
  });

  const products = useQueries({
    queries: (signedIn ? [] : guestLines).map((line) => ({
      queryKey: ["product-by-id", line.productId],
      queryFn: async () =>
        ok(await api.GET("/api/v1/products/{id}/", { params: { path: { id: line.productId } } })),
      retry: (count: number, error: unknown) =>
        !(error instanceof ApiError && error.status === 404) && count < 2,
      staleTime: 60_000,
    })),
  });

  const update = useMutation({
    mutationFn: async ({ productId, quantity }: { productId: number; quantity: number }) => {
      if (quantity > 0) {
        return ok(
          await api.PUT("/api/v1/cart/items/{product_id}/", {
            params: { path: { product_id: productId } },
            body: { quantity },
          }),
        );
      }
      await api.DELETE("/api/v1/cart/items/{product_id}/", { params: { path: { product_id: productId } } });
      return null;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: CART_KEY }),
  });

  const lines = useMemo<CartLine[]>(() => {
    if (signedIn) {
      return (server.data?.lines ?? []).map((line) => ({
        product: line.product,
        quantity: line.quantity,
        lineTotal: line.line_total,
        available: line.available,
      }));
    }
    return guestLines.flatMap((line, index) => {
      const product = products[index]?.data;
      if (!product) return [];
      const available = product.stock === null || product.stock >= line.quantity;
      return [
        {
          product,
          quantity: line.quantity,
          lineTotal: (Number(product.price) * line.quantity).toFixed(2),
          available: available && product.in_stock,
        },
      ];
    });
  }, [signedIn, server.data, guestLines, products]);

  const setQuantity = useCallback(
    async (productId: number, quantity: number) => {
      if (signedIn) await update.mutateAsync({ productId, quantity });
      else guestCartSet(productId, quantity);
    },
    [signedIn, update],
  );
  const add = useCallback(
    async (productId: number, quantity: number) => {
      const current = lines.find((line) => line.product.id === productId)?.quantity ??
        guestLines.find((line) => line.productId === productId)?.quantity ?? 0;
      await setQuantity(productId, current + quantity);
    },
    [lines, guestLines, setQuantity],
  );

  const subtotal = signedIn
    ? (server.data?.subtotal ?? "0.00")
    : lines
        .filter((line) => line.available)
        .reduce((sum, line) => sum + Number(line.lineTotal), 0)
        .toFixed(2);
  const count = signedIn
    ? (server.data?.item_count ?? 0)
    : guestLines.reduce((sum, line) => sum + line.quantity, 0);
  const guestMissing = guestLines.filter((_, index) => products[index]?.error).length;

  return {
    lines,
    count,
    subtotal,
    isLoading: signedIn ? server.isLoading : products.some((query) => query.isLoading),
    error: signedIn ? server.error : guestMissing ? products.find((query) => query.error)?.error : null,
    onServer: signedIn,
    setQuantity,
    add,
  };
}
