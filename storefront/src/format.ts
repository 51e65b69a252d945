/** Money and dates as the shop's customers read them. */
export function money(amount: string | number, currency: string, locale = "en-GB"): string {
  const value = typeof amount === "string" ? Number(amount) : amount;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
}

export function dateTime(iso: string, locale = "en-GB"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export const STATUS_LABELS: Record<string, string> = {
  placed: "Awaiting payment",
  paid: "Paid",
  shipped: "Shipped",
  delivered: "Delivered",
  cancelled: "Cancelled",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** A step of an order's history: what happened, not the state it left. */
const HISTORY_LABELS: Record<string, string> = { placed: "Placed", paid: "Paid", shipped: "Shipped", delivered: "Delivered", cancelled: "Cancelled" };

export function historyLabel(status: string): string {
  return HISTORY_LABELS[status] ?? status;
}
