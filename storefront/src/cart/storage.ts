/** A guest's cart, kept in the browser: product ids and quantities, nothing else. */
export interface GuestLine {
  productId: number;
  quantity: number;
}

const KEY = "shop.cart.v1";
export const MAX_QUANTITY = 99;

export function guestCartRead(): GuestLine[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((line: unknown) => {
      if (typeof line !== "object" || line === null) return [];
      const { productId, quantity } = line as Partial<GuestLine>;
      return Number.isInteger(productId) && Number.isInteger(quantity) && (quantity ?? 0) > 0
        ? [{ productId: productId as number, quantity: Math.min(quantity as number, MAX_QUANTITY) }]
        : [];
    });
  } catch {
    return [];
  }
}

export function guestCartWrite(lines: GuestLine[]): void {
  const kept = lines.filter((line) => line.quantity > 0);
  if (kept.length) localStorage.setItem(KEY, JSON.stringify(kept));
  else localStorage.removeItem(KEY);
  window.dispatchEvent(new Event("shop-cart"));
}

/** Set a product's quantity (0 removes it). */
export function guestCartSet(productId: number, quantity: number): GuestLine[] {
  const lines = guestCartRead().filter((line) => line.productId !== productId);
  const bounded = Math.max(0, Math.min(quantity, MAX_QUANTITY));
  const next = bounded ? [...lines, { productId, quantity: bounded }] : lines;
  guestCartWrite(next);
  return next;
}

export function guestCartClear(): void {
  guestCartWrite([]);
}

/** Guests' orders: the access token each was placed with, to open it again. */
const ORDERS_KEY = "shop.orders.v1";

export function orderTokenSave(reference: string, token: string): void {
  const saved = orderTokens();
  saved[reference] = token;
  localStorage.setItem(ORDERS_KEY, JSON.stringify(saved));
}

export function orderTokens(): Record<string, string> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(ORDERS_KEY) ?? "{}");
    return typeof raw === "object" && raw !== null ? (raw as Record<string, string>) : {};
  } catch {
    return {};
  }
}
