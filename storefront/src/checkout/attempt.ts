/** One Idempotency-Key per checkout attempt, reused when the answer was lost.
 *
 * A key belongs to the exact request it was made for. The customer pressing "Place order"
 * again after the network failed sends the same request with the same key, and the API
 * answers with the order the first request placed (Idempotent-Replayed) instead of a second
 * one. Changing anything in the request (the cart, the address) makes it another attempt with
 * a new key. The key survives a reload of the page (sessionStorage), not the tab.
 */
const KEY = "shop.checkout.attempt.v1";

interface Attempt {
  key: string;
  fingerprint: string;
}

export function fingerprintOf(body: unknown): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, sorted(v)]),
      );
    }
    return value;
  };
  return JSON.stringify(sorted(body));
}

/** The key for this request: the pending attempt's if it is the same request, else a new one. */
export function attemptKey(body: unknown, newKey: () => string = () => crypto.randomUUID()): string {
  const fingerprint = fingerprintOf(body);
  try {
    const pending = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Attempt | null;
    if (pending && pending.fingerprint === fingerprint && typeof pending.key === "string") {
      return pending.key;
    }
  } catch {
    // A damaged entry is a new attempt.
  }
  const attempt: Attempt = { key: newKey(), fingerprint };
  sessionStorage.setItem(KEY, JSON.stringify(attempt));
  return attempt.key;
}

/** The attempt has its answer (an order, or a refusal): the next one gets a new key. */
export function attemptDone(): void {
  sessionStorage.removeItem(KEY);
}
