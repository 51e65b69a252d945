/** One order: its state, history, tracking, lines, and what the customer can do (pay, cancel).
 *
 * A guest opens it with the token the checkout kept, or with the signed link of an email
 * (`?token=`); a signed-in customer with their sign-in.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";

import { ok } from "../api/client";
import { customerMessage } from "../api/errors";
import type { components } from "../api/schema";
import { useShop } from "../app/context";
import { orderTokens } from "../cart/storage";
import { usePageMeta } from "../components/Layout";
import { ErrorState, Loading } from "../components/states";
import { PaymentPanel } from "../components/PaymentPanel";
import { dateTime, historyLabel, money, statusLabel } from "../format";
import { followDelay, following, followRemaining, followStart, followStop } from "../payments/following";

type Order = components["schemas"]["OrderOutput"];

export function useOrderToken(reference: string): string | undefined {
  const [params] = useSearchParams();
  return params.get("token") ?? orderTokens()[reference];
}

export function Order() {
  const { reference = "" } = useParams();
  const [params] = useSearchParams();
  const token = useOrderToken(reference);
  const { api, user, ready } = useShop();
  const header = token ? { "X-Order-Token": token } : {};
  // Back from Stripe (3-D Secure, a wallet): it says how the confirmation went.
  const redirected = params.get("redirect_status");
  useState(() => {
    // Once, on arriving: the confirmation went through, so follow it to the webhook's word.
    if (redirected === "succeeded" || redirected === "processing") followStart(reference);
  });
  const order = useQuery({
    queryKey: ["order", reference, user?.profile.sub ?? token],
    queryFn: async () =>
      ok(await api.GET("/api/v1/orders/{reference}/", { params: { path: { reference }, header } })),
    enabled: ready,
    // Until the webhook has told the shop: ask again, less and less often (following.ts).
    refetchInterval: (query) =>
      query.state.data?.status === "placed" && following(reference)
        ? followDelay(query.state.dataUpdateCount - 1)
        : false,
  });
  const status = order.data?.status;
  useEffect(() => {
    if (status && status !== "placed") followStop(reference);
  }, [status, reference]);
  usePageMeta(`Order ${reference}`, "Your order: its status, tracking and what you bought.");

  if (!ready || order.isPending) return <Loading label="Loading your order" />;
  if (order.isError) {
    return (
      <section>
        <h1>Order {reference}</h1>
        <ErrorState error={order.error} retry={() => void order.refetch()} />
        {!user && <p>If this is your order, open it from the link in its email, or sign in.</p>}
      </section>
    );
  }
  return (
    <OrderView
      order={order.data}
      fresh={params.get("new") === "1"}
      token={token}
      declined={redirected === "failed"}
    />
  );
}

function OrderView({
  order,
  fresh,
  token,
  declined,
}: {
  order: Order;
  fresh: boolean;
  token: string | undefined;
  declined: boolean;
}) {
  const { config } = useShop();
  const client = useQueryClient();
  // A payment confirmed on this page: render again, now following it (payments/following.ts).
  const [, followed] = useReducer((n: number) => n + 1, 0);
  const placed = order.status === "placed";
  const remaining = placed ? followRemaining(order.reference) : 0;
  useEffect(() => {
    if (!remaining) return;
    // No word from the webhook in time: show the payment as it is now (failed, still
    // processing, or to be made), asked afresh.
    const timer = window.setTimeout(() => {
      followStop(order.reference);
      void client.invalidateQueries({ queryKey: ["payment", order.reference] });
      followed();
    }, remaining);
    return () => window.clearTimeout(timer);
  }, [remaining, order.reference, client]);
  const price = (amount: string) => money(amount, order.currency, config.locale);
  const a = order.shipping_address;
  return (
    <article className="order" aria-labelledby="order-title">
      {fresh && order.status !== "cancelled" && (
        <div className="confirmation" role="status">
          <h2>Thank you for your order</h2>
          <p>
            We have sent a confirmation to <strong>{order.customer.email}</strong>.
            {order.status === "placed" ? " Pay below to have it shipped." : ""}
          </p>
        </div>
      )}
      <h1 id="order-title">
        Order {order.reference}{" "}
        <span className={`status status-${order.status}`}>{statusLabel(order.status)}</span>
      </h1>
      <p className="muted">Placed {dateTime(order.created_at, config.locale)}</p>
      {order.status === "placed" && following(order.reference) ? (
        <p className="confirmation" role="status">
          Confirming your payment… This page updates by itself as soon as it is through.
        </p>
      ) : order.status === "placed" ? (
        <>
          {declined && (
            <p className="field-error" role="alert">
              Your payment did not go through: it was declined, or not confirmed with your bank.
              Nothing was charged. You can try again below.
            </p>
          )}
          <PaymentPanel reference={order.reference} token={token} onFollow={followed} />
        </>
      ) : null}
      {order.tracking_number && (
        <p className="tracking">
          Tracking number: <strong>{order.tracking_number}</strong>
        </p>
      )}
      <div className="order-columns">
        <section aria-labelledby="lines-title">
          <h2 id="lines-title">What you ordered</h2>
          <ul className="summary-lines">
            {order.lines.map((line) => (
              <li key={line.product_id}>
                <span>
                  {line.quantity} × <Link to={`/products/${line.slug}`}>{line.name}</Link>
                </span>
                <span>{price(line.line_total)}</span>
              </li>
            ))}
          </ul>
          <p className="total">
            <span>Total</span> <strong>{price(order.total)}</strong>
          </p>
        </section>
        <section aria-labelledby="ship-title">
          <h2 id="ship-title">Shipping to</h2>
          <address>
            {order.customer.name}
            <br />
            {a.line1}
            {a.line2 && (
              <>
                <br />
                {a.line2}
              </>
            )}
            <br />
            {a.postal_code} {a.city}, {a.country}
          </address>
          <h2>History</h2>
          <ol className="history">
            {order.status_history.map((change, index) => (
              <li key={`${change.status}-${index}`}>
                <span>{historyLabel(change.status)}</span>{" "}
                <time dateTime={change.at} className="muted">
                  {dateTime(change.at, config.locale)}
                </time>
              </li>
            ))}
          </ol>
        </section>
      </div>
      {(order.status === "placed" || order.status === "paid") && <CancelOrder order={order} token={token} />}
    </article>
  );
}

function CancelOrder({ order, token }: { order: Order; token: string | undefined }) {
  const { api } = useShop();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const cancel = useMutation({
    mutationFn: async () =>
      ok(
        await api.POST("/api/v1/orders/{reference}/cancel/", {
          params: { path: { reference: order.reference }, header: token ? { "X-Order-Token": token } : {} },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["order", order.reference] }),
  });
  if (!asking) {
    return (
      <button type="button" className="button danger-outline" onClick={() => setAsking(true)}>
        Cancel this order
      </button>
    );
  }
  return (
    <form
      className="cancel"
      onSubmit={(event) => {
        event.preventDefault();
        cancel.mutate();
      }}
    >
      <p>
        <strong>Cancel order {order.reference}?</strong>{" "}
        {order.status === "paid" ? "What you paid is refunded in full." : "Nothing has been charged."}
      </p>
      <label htmlFor="cancel-reason">Why (optional)</label>
      <input id="cancel-reason" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      {cancel.isError && <ErrorState error={cancel.error} />}
      <div className="row">
        <button type="submit" className="button danger" disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Yes, cancel it"}
        </button>
        <button type="button" className="button secondary" onClick={() => setAsking(false)}>
          Keep the order
        </button>
      </div>
      <p className="muted" aria-live="polite">
        {cancel.isSuccess ? "The order is cancelled." : cancel.isError ? customerMessage(cancel.error) : ""}
      </p>
    </form>
  );
}
