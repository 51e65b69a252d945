/** Paying with Stripe's Payment Element, with Stripe.js replaced at the module boundary
 * (it cannot load here): what the storefront hands it, and how the order page follows. */
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { orderTokenSave } from "../cart/storage";
import { CONFIG, fakeApi, json, orderAnswer, renderShop } from "../test/render";
import { followDelay, following, followStart, FOLLOW_FOR_MS } from "./following";

const stripe = vi.hoisted(() => ({
  loadStripe: vi.fn(),
  confirmPayment: vi.fn(),
  elementsOptions: [] as unknown[],
}));

vi.mock("@stripe/stripe-js", () => ({
  loadStripe: (key: string) => {
    stripe.loadStripe(key);
    return Promise.resolve({ confirmPayment: stripe.confirmPayment });
  },
}));

vi.mock("@stripe/react-stripe-js", () => ({
  Elements: ({ options, children }: { options: unknown; children: ReactNode }) => {
    stripe.elementsOptions.push(options);
    return <div data-testid="stripe-elements">{children}</div>;
  },
  PaymentElement: () => <div data-testid="payment-element">Card details</div>,
  useStripe: () => ({ confirmPayment: stripe.confirmPayment }),
  useElements: () => ({ fake: "elements" }),
}));

const STRIPE_CONFIG = { ...CONFIG, payments: { provider: "stripe", publishableKey: "pk_test_config" } };
const REFERENCE = "ABCDE-FGHJK";

function order(status: string) {
  return orderAnswer({ reference: REFERENCE, status });
}

const PAYMENT = {
  provider: "stripe",
  payment_intent: "pi_123",
  client_secret: "pi_123_secret_abc",
  publishable_key: "pk_test_answer",
  amount: "20.00",
  currency: "EUR",
  status: "requires_payment",
  pay_by: "2026-12-02T10:30:00Z",
};

/** The API: the order is placed until `paidAfter` reads of it, then paid. */
function shop({ paidAfter = Infinity, payment = PAYMENT } = {}) {
  let reads = 0;
  const calls = fakeApi(({ method, path }) => {
    if (method === "GET" && path === `/api/v1/orders/${REFERENCE}/`) {
      reads += 1;
      return json(200, order(reads > paidAfter ? "paid" : "placed"));
    }
    if (method === "POST" && path === `/api/v1/orders/${REFERENCE}/payment/`) return json(201, payment);
    return json(404, {});
  });
  return { calls, reads: () => reads };
}

beforeEach(() => {
  stripe.loadStripe.mockReset();
  stripe.confirmPayment.mockReset();
  stripe.elementsOptions.length = 0;
  orderTokenSave(REFERENCE, "guest-token");
});

describe("paying with Stripe", () => {
  it("mounts the Payment Element with the payment's client secret and publishable key", async () => {
    shop();
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);

    expect(await screen.findByTestId("payment-element")).toBeInTheDocument();
    expect(stripe.loadStripe).toHaveBeenCalledWith("pk_test_answer");
    expect(stripe.elementsOptions[0]).toMatchObject({ clientSecret: "pi_123_secret_abc" });
    expect(screen.getByRole("button", { name: "Pay now" })).toBeEnabled();
  });

  it("confirms back to the order page and follows the webhook until the order is paid", async () => {
    const api = shop({ paidAfter: 2 });
    stripe.confirmPayment.mockResolvedValue({ paymentIntent: { status: "succeeded" } });
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);

    await userEvent.click(await screen.findByRole("button", { name: "Pay now" }));

    expect(stripe.confirmPayment).toHaveBeenCalledWith({
      elements: { fake: "elements" },
      confirmParams: { return_url: `${window.location.origin}/orders/${REFERENCE}` },
      redirect: "if_required",
    });
    // The return URL never carries the guest's token.
    expect(JSON.stringify(stripe.confirmPayment.mock.calls)).not.toContain("guest-token");
    expect(await screen.findByText(/Confirming your payment/)).toBeInTheDocument();
    expect(await screen.findByText("Paid", { selector: ".status" }, { timeout: 5000 })).toBeInTheDocument();
    expect(api.reads()).toBe(3);
    expect(screen.queryByText(/Confirming your payment/)).not.toBeInTheDocument();
    expect(following(REFERENCE)).toBe(false); // done: no more asking
  });

  it("says a decline and lets the customer try again, polling nothing", async () => {
    const api = shop();
    stripe.confirmPayment.mockResolvedValue({
      error: { type: "card_error", message: "Your card was declined." },
    });
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);

    await userEvent.click(await screen.findByRole("button", { name: "Pay now" }));

    expect(await screen.findByText("Your card was declined.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Pay now" })).toBeEnabled();
    expect(following(REFERENCE)).toBe(false);
    const reads = api.reads();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(api.reads()).toBe(reads);
  });

  it("does not show Stripe's own errors to the customer", async () => {
    shop();
    stripe.confirmPayment.mockResolvedValue({ error: { type: "api_error", message: "No such payment_intent: pi_x" } });
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);
    await userEvent.click(await screen.findByRole("button", { name: "Pay now" }));
    expect(await screen.findByText(/could not be made just now/)).toBeInTheDocument();
    expect(screen.queryByText(/No such payment_intent/)).not.toBeInTheDocument();
  });

  it("follows the payment on the way back from 3-D Secure", async () => {
    shop({ paidAfter: 1 });
    renderShop(`/orders/${REFERENCE}?payment_intent=pi_123&redirect_status=succeeded`, null, STRIPE_CONFIG);

    expect(await screen.findByText(/Confirming your payment/)).toBeInTheDocument();
    expect(screen.queryByTestId("payment-element")).not.toBeInTheDocument(); // no second payment
    expect(await screen.findByText("Paid", { selector: ".status" }, { timeout: 5000 })).toBeInTheDocument();
  });

  it("says a failed 3-D Secure and offers the payment again", async () => {
    shop();
    renderShop(`/orders/${REFERENCE}?payment_intent=pi_123&redirect_status=failed`, null, STRIPE_CONFIG);

    expect(await screen.findByText(/did not go through/)).toBeInTheDocument();
    expect(await screen.findByTestId("payment-element")).toBeInTheDocument();
    expect(following(REFERENCE)).toBe(false);
  });

  it("when the webhook says the payment failed, ends showing it and the payment again", async () => {
    // Confirmed a while ago: the follow window closes in a second, the order still unpaid.
    followStart(REFERENCE, Date.now() - FOLLOW_FOR_MS + 1000);
    let payments = 0;
    fakeApi(({ method, path }) => {
      if (method === "GET") return json(200, order("placed"));
      if (method === "POST" && path === `/api/v1/orders/${REFERENCE}/payment/`) {
        payments += 1;
        return json(200, { ...PAYMENT, status: "failed" });
      }
      return json(404, {});
    });
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);

    expect(await screen.findByText(/Confirming your payment/)).toBeInTheDocument();
    expect(await screen.findByText(/last payment did not go through/, {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.getByTestId("payment-element")).toBeInTheDocument();
    expect(screen.queryByText(/Confirming your payment/)).not.toBeInTheDocument();
    expect(payments).toBe(1);
    expect(following(REFERENCE)).toBe(false);
  });

  it("after a closed tab, shows a payment under way instead of asking to pay again", async () => {
    shop({ payment: { ...PAYMENT, status: "processing" } });
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);

    expect(await screen.findByText(/being confirmed/)).toBeInTheDocument();
    expect(screen.queryByTestId("payment-element")).not.toBeInTheDocument();
  });

  it("after a closed tab, shows the order paid when the webhook came meanwhile", async () => {
    shop({ paidAfter: 0 });
    renderShop(`/orders/${REFERENCE}`, null, STRIPE_CONFIG);
    expect(await screen.findByText("Paid", { selector: ".status" })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText("Pay now")).not.toBeInTheDocument());
    expect(stripe.loadStripe).not.toHaveBeenCalled();
  });
});

describe("following a payment", () => {
  it("asks again less and less often, then stops", () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(followDelay)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    followStart("R", 1_000);
    expect(following("R", 1_000 + FOLLOW_FOR_MS - 1)).toBe(true);
    expect(following("R", 1_000 + FOLLOW_FOR_MS)).toBe(false);
    expect(following("OTHER", 1_000)).toBe(false);
  });
});
