/** Following a payment to its outcome: the order page asks the API again, less and less often,
 * until the webhook has marked the order paid (or the payment failed), or it gives up.
 *
 * Stripe tells the browser a payment went through before the shop knows: the shop learns it
 * from Stripe's webhook, which can take seconds. So after a confirmation (in the page, or on
 * the way back from 3-D Secure) the order page polls the order: 1 s, 2 s, 4 s, 8 s, then every
 * 15 s, for FOLLOW_FOR_MS. A closed tab loses nothing: the order page, opened again from its
 * email, shows what the webhook did.
 */

const KEY = "shop.following.";
export const FOLLOW_FOR_MS = 3 * 60_000;
const LONGEST_WAIT_MS = 15_000;

/** How long to wait before asking again, after `asked` answers still unpaid. */
export function followDelay(asked: number): number {
  return Math.min(1000 * 2 ** Math.max(0, asked), LONGEST_WAIT_MS);
}

/** Note that this order's payment was confirmed just now (kept across Stripe's redirect). */
export function followStart(reference: string, now = Date.now()): void {
  try {
    sessionStorage.setItem(KEY + reference, String(now));
  } catch {
    // Private mode without storage: the page follows while it stays open.
  }
}

export function followStop(reference: string): void {
  try {
    sessionStorage.removeItem(KEY + reference);
  } catch {
    // nothing kept
  }
}

/** How much longer (ms) the order page follows this order's payment; 0 when it does not. */
export function followRemaining(reference: string, now = Date.now()): number {
  let started: string | null;
  try {
    started = sessionStorage.getItem(KEY + reference);
  } catch {
    return 0;
  }
  return started === null ? 0 : Math.max(0, FOLLOW_FOR_MS - (now - Number(started)));
}

/** Whether the order page should still be polling this order's payment. */
export function following(reference: string, now = Date.now()): boolean {
  return followRemaining(reference, now) > 0;
}
