/** One-page checkout: contact, address (typed, or from the address book), the lines, place. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type SyntheticEvent, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { ok } from "../api/client";
import { ApiError, customerMessage, fieldErrors } from "../api/errors";
import type { components } from "../api/schema";
import { useShop } from "../app/context";
import { signIn } from "../auth/session";
import { guestCartClear, orderTokenSave } from "../cart/storage";
import { CART_KEY, useCart } from "../cart/useCart";
import { attemptDone, attemptKey } from "../checkout/attempt";
import { AddressFields, EMPTY_ADDRESS, Field, type AddressValues } from "../components/AddressFields";
import { usePageMeta } from "../components/Layout";
import { Empty, ErrorState, Loading } from "../components/states";
import { money } from "../format";

type PlaceBody = components["schemas"]["CustomerOrderPlaceInput"];
interface Short {
  product_id: number;
  requested: number;
  available: number;
}

function shortOf(error: unknown): Map<number, Short> {
  if (!(error instanceof ApiError) || error.code !== "insufficient_stock") return new Map();
  const items = Array.isArray(error.details.items) ? (error.details.items as Short[]) : [];
  return new Map(items.map((item) => [item.product_id, item]));
}

function addressBody(address: AddressValues) {
  return { ...address, line2: address.line2.trim(), country: address.country.toUpperCase() };
}

export function Checkout() {
  const { api, user, auth, config } = useShop();
  const cart = useCart();
  const client = useQueryClient();
  const navigate = useNavigate();
  usePageMeta("Checkout", "Your details, where to ship, and your order in one page.");
  const [name, setName] = useState(() =>
    user ? (user.profile.name ?? [user.profile.given_name, user.profile.family_name].filter(Boolean).join(" ")) : "",
  );
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [address, setAddress] = useState<AddressValues>(EMPTY_ADDRESS);
  const [chosen, setChosen] = useState<number | "new" | null>(null);
  const [lost, setLost] = useState(false);

  const book = useQuery({
    queryKey: ["addresses", user?.profile.sub],
    queryFn: async () => ok(await api.GET("/api/v1/me/addresses/")),
    enabled: user !== null,
  });
  const addresses = book.data ?? [];
  const selected = chosen ?? addresses.find((a) => a.is_default)?.id ?? addresses[0]?.id ?? "new";

  const place = useMutation({
    mutationFn: async (body: PlaceBody) => {
      const key = attemptKey({ body, user: user?.profile.sub ?? null });
      return ok(await api.POST("/api/v1/orders/", { body, params: { header: { "Idempotency-Key": key } } }));
    },
    onSuccess: async (order) => {
      attemptDone();
      setLost(false);
      if (order.access_token) orderTokenSave(order.reference, order.access_token);
      if (user) await client.invalidateQueries({ queryKey: CART_KEY });
      else guestCartClear();
      void navigate(`/orders/${order.reference}?new=1`);
    },
    onError: (error) => {
      // No answer: the order may have been placed. The same request keeps its key, so
      // placing it again returns that order instead of a second one.
      if (error instanceof ApiError && (error.isNetwork || error.status >= 500)) setLost(true);
      else attemptDone();
    },
  });

  if (cart.isLoading || (user && book.isLoading)) return <Loading label="Loading your checkout" />;
  if (cart.lines.length === 0 && !place.isSuccess) {
    return (
      <Empty title="Your cart is empty.">
        <p>
          <Link to="/">Browse the shop</Link> first.
        </p>
      </Empty>
    );
  }
  const errors = fieldErrors(place.error);
  const short = shortOf(place.error);
  const total = Number(cart.subtotal);

  const submit = (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const shipping = selected === "new" ? { shipping_address: addressBody(address) } : { shipping_address_id: selected };
    const body: PlaceBody = user
      ? { ...shipping, customer: { ...(name.trim() && { name: name.trim() }), ...(phone.trim() && { phone: phone.trim() }) } }
      : {
          customer: { name: name.trim(), email: email.trim(), phone: phone.trim() },
          shipping_address: addressBody(address),
          items: cart.lines.map((line) => ({ product_id: line.product.id, quantity: line.quantity })),
        };
    place.mutate(body);
  };

  return (
    <form className="checkout" onSubmit={submit} noValidate aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      <div className="checkout-columns">
        <div>
          <fieldset>
            <legend>Contact</legend>
            {user ? (
              <p>
                Signed in as <strong>{user.profile.email}</strong>; order emails go there.
              </p>
            ) : (
              <p className="muted">
                Have an account?{" "}
                <button type="button" className="link-button" onClick={() => void signIn(auth, "/checkout")}>
                  Sign in
                </button>{" "}
                to use your address book.
              </p>
            )}
            <Field id="name" label="Full name" autoComplete="name" required={!user} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} error={errors["customer.name"]} />
            {!user && (
              <Field id="email" label="Email" type="email" autoComplete="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} error={errors["customer.email"]} />
            )}
            <Field id="phone" label="Phone (optional)" type="tel" autoComplete="tel" maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} error={errors["customer.phone"]} />
          </fieldset>
          <fieldset>
            <legend>Ship to</legend>
            {user && book.isError && <ErrorState error={book.error} retry={() => void book.refetch()} />}
            {addresses.length > 0 && (
              <ul className="address-choices">
                {addresses.map((a) => (
                  <li key={a.id}>
                    <label className="check">
                      <input type="radio" name="address" checked={selected === a.id} onChange={() => setChosen(a.id)} />
                      <span>
                        {a.name && <strong>{a.name}: </strong>}
                        {a.line1}, {a.postal_code} {a.city}, {a.country}
                        {a.is_default && <span className="muted"> (default)</span>}
                      </span>
                    </label>
                  </li>
                ))}
                <li>
                  <label className="check">
                    <input type="radio" name="address" checked={selected === "new"} onChange={() => setChosen("new")} />
                    <span>Another address</span>
                  </label>
                </li>
              </ul>
            )}
            {selected === "new" && <AddressFields prefix="ship" value={address} onChange={setAddress} errors={errors} />}
          </fieldset>
        </div>
        <aside className="order-summary" aria-labelledby="summary-title">
          <h2 id="summary-title">Your order</h2>
          <ul className="summary-lines">
            {cart.lines.map((line) => {
              const problem = short.get(line.product.id);
              return (
                <li key={line.product.id} className={problem ? "line-problem" : undefined}>
                  <span>
                    {line.quantity} × {line.product.name}
                  </span>
                  <span>{money(line.lineTotal, config.currency, config.locale)}</span>
                  {problem && (
                    <span className="field-error" role="alert">
                      Only {problem.available} left: <Link to="/cart">change the quantity</Link>.
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
          <p className="total">
            <span>Total</span> <strong>{money(total, config.currency, config.locale)}</strong>
          </p>
          <p className="muted">Shipping is included. You pay on the next step.</p>
          {place.isError && (
            <div role="alert" className="state state-error" data-code={place.error instanceof ApiError ? place.error.code : "unknown"}>
              <p>{customerMessage(place.error)}</p>
              {lost && <p>Your order may have gone through. Placing it again is safe: you will not be charged or sent it twice.</p>}
            </div>
          )}
          <button type="submit" className="button wide" disabled={place.isPending}>
            {place.isPending ? "Placing your order…" : lost ? "Try placing it again" : "Place order"}
          </button>
        </aside>
      </div>
    </form>
  );
}
