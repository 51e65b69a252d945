/** Sign-in's library (oidc-client-ts) loads only for those who need it: a guest's first page
 * sends none of it (the phone budget, bench/storefront.py). */
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { signIn } from "../auth/session";
import { CONFIG } from "../test/render";
import { hasStoredSignIn, ShopProvider, useShop } from "./context";

const oidc = vi.hoisted(() => ({ created: 0, signinRedirect: vi.fn(() => Promise.resolve()) }));

vi.mock("../auth/auth", () => ({
  authCreate: () => {
    oidc.created += 1;
    const noop = () => undefined;
    return {
      events: { addUserLoaded: noop, addUserUnloaded: noop, addSilentRenewError: noop },
      getUser: () => Promise.resolve(null),
      signinRedirect: oidc.signinRedirect,
    };
  },
}));

function Probe() {
  const { ready, auth } = useShop();
  return (
    <>
      <p>{ready ? "ready" : "waiting"}</p>
      <button type="button" onClick={() => void signIn(auth, "/account")}>
        Sign in
      </button>
    </>
  );
}

const KEY = `oidc.user:${CONFIG.auth.authority}:${CONFIG.auth.clientId}`;

beforeEach(() => {
  oidc.created = 0;
  oidc.signinRedirect.mockClear();
});

describe("the sign-in library", () => {
  it("is not loaded for a guest, who is ready at once", async () => {
    render(
      <ShopProvider config={CONFIG}>
        <Probe />
      </ShopProvider>,
    );
    expect(screen.getByText("ready")).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(oidc.created).toBe(0);
  });

  it("is loaded when the guest signs in", async () => {
    render(
      <ShopProvider config={CONFIG}>
        <Probe />
      </ShopProvider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(oidc.signinRedirect).toHaveBeenCalledWith({ state: { returnTo: "/account" } }));
    expect(oidc.created).toBe(1);
  });

  it("is loaded at start when this browser holds a sign-in", async () => {
    localStorage.setItem(KEY, "{}");
    expect(hasStoredSignIn(CONFIG)).toBe(true);
    render(
      <ShopProvider config={CONFIG}>
        <Probe />
      </ShopProvider>,
    );
    expect(screen.getByText("waiting")).toBeInTheDocument();
    expect(await screen.findByText("ready")).toBeInTheDocument();
    expect(oidc.created).toBe(1);
  });
});
