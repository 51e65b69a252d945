import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { guestCartRead, guestCartWrite, orderTokens } from "../cart/storage";
import { envelope, fakeApi, json, orderAnswer, product, renderShop } from "../test/render";

const PLACED = orderAnswer({ access_token: "guest-token" });

async function fillIn() {
  await userEvent.type(await screen.findByLabelText("Full name"), "Ann Smith");
  await userEvent.type(screen.getByLabelText("Email"), "ann@example.com");
  await userEvent.type(screen.getByLabelText("Street address"), "Main 1");
  await userEvent.type(screen.getByLabelText("Postal code"), "0150");
  await userEvent.type(screen.getByLabelText("City"), "Oslo");
}

describe("the checkout", () => {
  it("sends the same Idempotency-Key again when the answer was lost", async () => {
    guestCartWrite([{ productId: 1, quantity: 2 }]);
    let orders = 0;
    const calls = fakeApi(({ method, path }) => {
      if (method === "POST" && path === "/api/v1/orders/") {
        orders += 1;
        return orders === 1 ? "network" : json(201, PLACED, { "Idempotent-Replayed": "true" });
      }
      if (path.startsWith("/api/v1/orders/ABCDE")) return json(200, PLACED);
      return json(200, product(1));
    });
    renderShop("/checkout");
    await fillIn();

    await userEvent.click(screen.getByRole("button", { name: "Place order" }));
    expect(await screen.findByText(/may have gone through/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Try placing it again" }));

    expect(await screen.findByText("Thank you for your order")).toBeInTheDocument();
    const posts = calls.filter((c) => c.method === "POST" && c.path === "/api/v1/orders/");
    expect(posts).toHaveLength(2);
    const keys = posts.map((c) => c.headers.get("Idempotency-Key"));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(posts[0]?.body).toEqual({
      customer: { name: "Ann Smith", email: "ann@example.com", phone: "" },
      shipping_address: { line1: "Main 1", line2: "", city: "Oslo", postal_code: "0150", country: "NO" },
      items: [{ product_id: 1, quantity: 2 }],
    });
    expect(guestCartRead()).toEqual([]);
    expect(orderTokens()).toEqual({ "ABCDE-FGHJK": "guest-token" });
  });

  it("starts a new attempt with a new key once the order changes", async () => {
    guestCartWrite([{ productId: 1, quantity: 2 }]);
    const calls = fakeApi(({ method, path }) =>
      method === "POST" && path === "/api/v1/orders/"
        ? envelope(400, "invalid", "The request has invalid fields.", { customer: { email: ["Enter a valid email address."] } })
        : json(200, product(1)),
    );
    renderShop("/checkout");
    await fillIn();
    await userEvent.click(screen.getByRole("button", { name: "Place order" }));
    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    await userEvent.type(screen.getByLabelText("Email"), "m");
    await userEvent.click(screen.getByRole("button", { name: "Place order" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "POST")).toHaveLength(2));
    const [first, second] = calls.filter((c) => c.method === "POST").map((c) => c.headers.get("Idempotency-Key"));
    expect(second).not.toBe(first);
  });

  it("shows each line that is short of stock", async () => {
    guestCartWrite([{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }]);
    fakeApi(({ method, path }) =>
      method === "POST"
        ? envelope(409, "insufficient_stock", "Not enough stock for 1 item(s).", {
            items: [{ product_id: 2, requested: 1, available: 0 }],
          })
        : json(200, product(Number(path.split("/")[4]))),
    );
    renderShop("/checkout");
    await fillIn();
    await userEvent.click(screen.getByRole("button", { name: "Place order" }));

    const problem = await screen.findByText(/Only 0 left/);
    expect(problem.closest("li")).toHaveTextContent("Product 2");
    expect(screen.getByText(/do not have enough stock any more/)).toBeInTheDocument();
    expect(screen.getAllByText(/Only \d left/)).toHaveLength(1);
  });
});
