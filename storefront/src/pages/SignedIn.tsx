/** Back from the sign-in page: finish the code exchange, merge the guest's cart, go on. */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router-dom";

import { apiCreate, ok } from "../api/client";
import { useShop } from "../app/context";
import type { SignInState } from "../auth/session";
import { guestCartClear, guestCartRead } from "../cart/storage";
import { CART_KEY } from "../cart/useCart";
import { ErrorState, Loading } from "../components/states";

export function SignedIn() {
  const { auth, config } = useShop();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // the code is good once (React runs effects twice in dev)
    started.current = true;
    void (async () => {
      try {
        const user = await (await auth()).signinRedirectCallback();
        const guest = guestCartRead();
        if (guest.length && user.id_token) {
          const token = user.id_token;
          const api = apiCreate(config.apiBaseUrl, () => token);
          ok(
            await api.POST("/api/v1/cart/merge/", {
              body: { items: guest.map((line) => ({ product_id: line.productId, quantity: line.quantity })) },
            }),
          );
          guestCartClear();
        }
        await client.invalidateQueries({ queryKey: CART_KEY });
        const state = user.state as SignInState | undefined;
        const target = state?.returnTo.startsWith("/") && !state.returnTo.startsWith("//") ? state.returnTo : "/";
        void navigate(target, { replace: true });
      } catch (failure) {
        setError(failure);
      }
    })();
  }, [auth, client, config.apiBaseUrl, navigate]);

  if (error) {
    return (
      <section>
        <h1>Sign-in did not complete</h1>
        <ErrorState error={error} />
      </section>
    );
  }
  return <Loading label="Signing you in" />;
}
