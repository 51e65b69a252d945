import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type SyntheticEvent, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { ok } from "../api/client";
import { fieldErrors } from "../api/errors";
import { useShop } from "../app/context";
import { signIn, signOut } from "../auth/session";
import { AddressFields, EMPTY_ADDRESS, Field, type AddressValues } from "../components/AddressFields";
import { usePageMeta } from "../components/Layout";
import { Empty, ErrorState, Loading } from "../components/states";
import { dateTime, money, statusLabel } from "../format";

export function Account() {
  const { user, auth, config, ready } = useShop();
  usePageMeta("Your account", "Your orders and addresses.");
  if (!ready) return <Loading />;
  if (!user) {
    return (
      <Empty title="Sign in to see your orders and addresses.">
        <button type="button" className="button" onClick={() => void signIn(auth, "/account")}>
          Sign in
        </button>
      </Empty>
    );
  }
  return (
    <section className="account" aria-labelledby="account-title">
      <div className="results-head">
        <h1 id="account-title">Your account</h1>
        <button type="button" className="button secondary" onClick={() => void signOut(auth, config)}>
          Sign out
        </button>
      </div>
      <p>
        Signed in as <strong>{user.profile.email}</strong>
      </p>
      <div className="order-columns">
        <Orders />
        <Addresses />
      </div>
    </section>
  );
}

function Orders() {
  const { api, user, config } = useShop();
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const orders = useQuery({
    queryKey: ["orders", user?.profile.sub, page],
    queryFn: async () => ok(await api.GET("/api/v1/orders/", { params: { query: { page, page_size: 10 } } })),
  });
  return (
    <section aria-labelledby="orders-title">
      <h2 id="orders-title">Orders</h2>
      {orders.isPending ? (
        <Loading label="Loading your orders" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} retry={() => void orders.refetch()} />
      ) : orders.data.results.length === 0 ? (
        <Empty title="No orders yet.">
          <Link to="/">Start shopping</Link>
        </Empty>
      ) : (
        <>
          <ul className="order-list">
            {orders.data.results.map((order) => (
              <li key={order.reference}>
                <Link to={`/orders/${order.reference}`}>{order.reference}</Link>
                <span className={`status status-${order.status}`}>{statusLabel(order.status)}</span>
                <span className="muted">{dateTime(order.created_at, config.locale)}</span>
                <span>{money(order.total, order.currency, config.locale)}</span>
              </li>
            ))}
          </ul>
          <nav className="pager" aria-label="Order pages">
            {orders.data.previous ? <Link to={`/account?page=${page - 1}`}>Newer</Link> : <span />}
            {orders.data.next ? <Link to={`/account?page=${page + 1}`}>Older</Link> : <span />}
          </nav>
        </>
      )}
    </section>
  );
}

function Addresses() {
  const { api, user } = useShop();
  const client = useQueryClient();
  const key = ["addresses", user?.profile.sub];
  const [adding, setAdding] = useState(false);
  const [label, setLabel] = useState("");
  const [address, setAddress] = useState<AddressValues>(EMPTY_ADDRESS);
  const book = useQuery({ queryKey: key, queryFn: async () => ok(await api.GET("/api/v1/me/addresses/")) });
  const refresh = () => client.invalidateQueries({ queryKey: ["addresses"] });
  const add = useMutation({
    mutationFn: async () =>
      ok(
        await api.POST("/api/v1/me/addresses/", {
          body: { ...address, name: label.trim(), is_default: (book.data ?? []).length === 0 },
        }),
      ),
    onSuccess: async () => {
      setAdding(false);
      setAddress(EMPTY_ADDRESS);
      setLabel("");
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: async (id: number) => {
      await api.DELETE("/api/v1/me/addresses/{address_id}/", { params: { path: { address_id: id } } });
    },
    onSuccess: refresh,
  });
  const makeDefault = useMutation({
    mutationFn: async (id: number) =>
      ok(await api.PATCH("/api/v1/me/addresses/{address_id}/", { params: { path: { address_id: id } }, body: { is_default: true } })),
    onSuccess: refresh,
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <section aria-labelledby="addresses-title">
      <h2 id="addresses-title">Addresses</h2>
      {book.isPending ? (
        <Loading label="Loading your addresses" />
      ) : book.isError ? (
        <ErrorState error={book.error} retry={() => void book.refetch()} />
      ) : (
        <ul className="address-list">
          {book.data.length === 0 && <li className="muted">No addresses yet.</li>}
          {book.data.map((a) => (
            <li key={a.id}>
              <span>
                {a.name && <strong>{a.name}: </strong>}
                {a.line1}, {a.postal_code} {a.city}, {a.country}
                {a.is_default && <span className="muted"> (default)</span>}
              </span>
              <span className="row">
                {!a.is_default && (
                  <button type="button" className="link-button" onClick={() => makeDefault.mutate(a.id)}>
                    Make default
                  </button>
                )}
                <button type="button" className="link-button" onClick={() => remove.mutate(a.id)} aria-label={`Delete the address ${a.line1}`}>
                  Delete
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {(remove.isError || makeDefault.isError) && <ErrorState error={remove.error ?? makeDefault.error} />}
      {adding ? (
        <form onSubmit={submit} noValidate className="address-form">
          <Field id="address-label" label="Name it (optional): Home, Work" maxLength={50} value={label} onChange={(e) => setLabel(e.target.value)} error={fieldErrors(add.error).name} />
          <AddressFields prefix="book" value={address} onChange={setAddress} errors={fieldErrors(add.error)} />
          {add.isError && !Object.keys(fieldErrors(add.error)).length && <ErrorState error={add.error} />}
          <div className="row">
            <button type="submit" className="button" disabled={add.isPending}>
              Save address
            </button>
            <button type="button" className="button secondary" onClick={() => setAdding(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="button secondary" onClick={() => setAdding(true)}>
          Add an address
        </button>
      )}
    </section>
  );
}
