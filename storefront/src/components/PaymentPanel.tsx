/** Paying an order. One component for every provider: the local one (pay and decline buttons,
 * no account, local runs) and Stripe (its Payment Element, loaded only when an order is paid). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense } from "react";

import { ok } from "../api/client";
import { apiErrorOf, customerMessage, networkError } from "../api/errors";
import type { components } from "../api/schema";
import { useShop } from "../app/context";
import { dateTime, money } from "../format";
import { followStart } from "../payments/following";
import { ErrorState, Loading } from "./states";

// Its own chunk: the catalog's first page never loads Stripe's code.
const StripePayment = lazy(() => import("../payments/StripePayment"));

// A payment the provider has taken and the shop not yet heard of: nothing to pay again.
const UNDER_WAY = new Set(["processing", "succeeded"]);

type Payment = components["schemas"]["PaymentOutput"];

export function PaymentPanel({
  reference,
  token,
  onFollow,
}: {
  reference: string;
  token: string | undefined;
  /** Called once a payment is confirmed: the order page follows it to the webhook's word. */
  onFollow: () => void;
}) {
  const { api, config } = useShop();
  const client = useQueryClient();
  const header = token ? { "X-Order-Token": token } : {};
  const payment = useQuery({
    queryKey: ["payment", reference],
    queryFn: async () =>
      ok(await api.POST("/api/v1/orders/{reference}/payment/", { params: { path: { reference }, header } })),
    staleTime: Infinity,
    retry: 1,
  });
  return (
    <section className="payment" aria-labelledby="payment-title">
      <h2 id="payment-title">Payment</h2>
      {payment.isPending ? (
        <Loading label="Preparing the payment" />
      ) : payment.isError ? (
        <ErrorState error={payment.error} retry={() => void payment.refetch()} />
      ) : (
        <>
          <p>
            {money(payment.data.amount, payment.data.currency, config.locale)} to pay by{" "}
            {dateTime(payment.data.pay_by, config.locale)}.
          </p>
          {payment.data.status === "failed" && (
            <p className="field-error" role="alert">
              Your last payment did not go through. Nothing was charged; you can try again.
            </p>
          )}
          {UNDER_WAY.has(payment.data.status) ? (
            <p role="status">Your payment is being confirmed. This page shows it as soon as it is.</p>
          ) : payment.data.provider === "local" ? (
            <LocalPayment payment={payment.data} reference={reference} />
          ) : (
            <Suspense fallback={<Loading label="Loading the card payment" />}>
              <StripePayment
                payment={payment.data}
                reference={reference}
                publishableKey={config.payments.publishableKey}
                onConfirmed={() => {
                  followStart(reference);
                  onFollow();
                  void client.invalidateQueries({ queryKey: ["order", reference] });
                }}
              />
            </Suspense>
          )}
        </>
      )}
    </section>
  );
}

function LocalPayment({ payment, reference }: { payment: Payment; reference: string }) {
  const { config } = useShop();
  const client = useQueryClient();
  const pay = useMutation({
    mutationFn: async (succeed: boolean) => {
      const url = `${config.apiBaseUrl}/local-payments/${encodeURIComponent(payment.payment_intent)}/pay${succeed ? "" : "?fail=1"}`;
      let response: Response;
      try {
        response = await fetch(url, { method: "POST" });
      } catch {
        throw networkError();
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) throw apiErrorOf(response.status, body, response.headers);
      return succeed;
    },
    onSuccess: async (succeeded) => {
      await client.invalidateQueries({ queryKey: ["order", reference] });
      if (!succeeded) await client.invalidateQueries({ queryKey: ["payment", reference] });
    },
  });
  return (
    <div className="local-payment">
      <p className="muted">Local test payments: no card, no money moves.</p>
      <div className="row">
        <button type="button" className="button" disabled={pay.isPending} onClick={() => pay.mutate(true)}>
          Pay now (test)
        </button>
        <button type="button" className="button secondary" disabled={pay.isPending} onClick={() => pay.mutate(false)}>
          Decline (test)
        </button>
      </div>
      <p aria-live="polite" className={pay.isError || pay.data === false ? "field-error" : "muted"}>
        {pay.isError ? customerMessage(pay.error) : pay.data === false ? "The payment was declined. Try again." : ""}
      </p>
    </div>
  );
}
