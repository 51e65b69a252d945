/** Paying an order. One component for every provider: the local one (pay and decline buttons,
 * no account, local runs) and Stripe (its Payment Element, the next step of the storefront). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ok } from "../api/client";
import { apiErrorOf, customerMessage, networkError } from "../api/errors";
import type { components } from "../api/schema";
import { useShop } from "../app/context";
import { dateTime, money } from "../format";
import { ErrorState, Loading } from "./states";

type Payment = components["schemas"]["PaymentOutput"];

export function PaymentPanel({ reference, token }: { reference: string; token: string | undefined }) {
  const { api, config } = useShop();
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
          {payment.data.provider === "local" ? (
            <LocalPayment payment={payment.data} reference={reference} />
          ) : (
            <p className="warning">Card payments with Stripe are being set up; please come back soon.</p>
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
