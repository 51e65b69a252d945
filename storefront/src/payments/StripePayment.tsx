/** Paying with Stripe: its Payment Element (cards, wallets, 3-D Secure) for the order's
 * PaymentIntent. Loaded only when the order page needs it, with Stripe.js from js.stripe.com.
 *
 * Confirming stays on the page when it can (`redirect: "if_required"`); a bank's 3-D Secure
 * page comes back to the order page (`return_url`), which then follows the webhook's outcome
 * (payments/following.ts). A decline is said here and the customer can try again.
 */
import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe, type Stripe } from "@stripe/stripe-js";
import { useState } from "react";

import type { components } from "../api/schema";
import { followStart, followStop } from "./following";

type Payment = components["schemas"]["PaymentOutput"];

const loaded = new Map<string, Promise<Stripe | null>>();

/** Stripe.js once per publishable key (loadStripe must not run on every render). */
function stripeFor(key: string): Promise<Stripe | null> {
  let stripe = loaded.get(key);
  if (!stripe) {
    stripe = loadStripe(key);
    loaded.set(key, stripe);
  }
  return stripe;
}

export function orderReturnUrl(reference: string): string {
  // The guest's access token stays in this browser's storage: never in a URL Stripe keeps.
  return `${window.location.origin}/orders/${encodeURIComponent(reference)}`;
}

export default function StripePayment({
  payment,
  reference,
  publishableKey,
  onConfirmed,
}: {
  payment: Payment;
  reference: string;
  publishableKey: string;
  onConfirmed: () => void;
}) {
  const key = payment.publishable_key || publishableKey;
  if (!key) {
    return <p className="field-error">Card payments are not set up yet. Please try again later.</p>;
  }
  return (
    <Elements
      stripe={stripeFor(key)}
      options={{ clientSecret: payment.client_secret, appearance: { theme: "stripe" } }}
    >
      <StripeForm reference={reference} onConfirmed={onConfirmed} />
    </Elements>
  );
}

function StripeForm({ reference, onConfirmed }: { reference: string; onConfirmed: () => void }) {
  const stripe = useStripe();
  const elements = useElements();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState("");

  async function submit() {
    if (!stripe || !elements) return;
    setBusy(true);
    setProblem("");
    // Before the call: a 3-D Secure redirect leaves this page, and the order page it comes
    // back to must know to follow the payment.
    followStart(reference);
    const { error } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: orderReturnUrl(reference) },
      redirect: "if_required",
    });
    setBusy(false);
    if (error) {
      followStop(reference);
      // Card and validation errors are meant for the customer; the others are not.
      setProblem(
        error.type === "card_error" || error.type === "validation_error"
          ? (error.message ?? "The payment was declined.")
          : "The payment could not be made just now. Please try again.",
      );
      return;
    }
    // Taken (or under way): the webhook tells the shop; the order page follows it.
    onConfirmed();
  }

  return (
    <form
      className="stripe-payment"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <PaymentElement />
      <button type="submit" className="button" disabled={!stripe || !elements || busy}>
        {busy ? "Paying…" : "Pay now"}
      </button>
      <p aria-live="polite" className={problem ? "field-error" : "muted"}>
        {problem}
      </p>
    </form>
  );
}
