import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { guestCartRead, guestCartWrite } from "../cart/storage";
import { envelope, fakeApi, json, product, renderShop } from "../test/render";

describe("the cart", () => {
  it("keeps a guest's cart in the browser and totals it", async () => {
    guestCartWrite([{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }]);
    fakeApi(({ path }) => json(200, product(Number(path.split("/")[4]), { price: path.includes("/1/") ? "4.50" : "10.00" })));
    renderShop("/cart");

    expect(await screen.findByText("Product 1")).toBeInTheDocument();
    expect(screen.getByText("Product 2")).toBeInTheDocument();
    expect(screen.getByText("€19.00")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Remove Product 1" }));
    await waitFor(() => expect(screen.queryByText("Product 1")).not.toBeInTheDocument());
    expect(guestCartRead()).toEqual([{ productId: 2, quantity: 1 }]);
  });

  it("holds back checkout while a line has more than the stock", async () => {
    guestCartWrite([{ productId: 3, quantity: 4 }]);
    fakeApi(() => json(200, product(3, { stock: 2 })));
    renderShop("/cart");

    expect(await screen.findByText("Only 2 left")).toBeInTheDocument();
    expect(screen.getByText(/not available in that quantity/)).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Check out" })).not.toBeInTheDocument();
  });

  it("uses the server's cart once signed in, and changes it there", async () => {
    const calls = fakeApi(({ method }) =>
      method === "PUT"
        ? json(200, {})
        : json(200, {
            lines: [{ product: product(7), quantity: 1, line_total: "10.00", available: true }],
            item_count: 1,
            subtotal: "10.00",
            currency: "EUR",
          }),
    );
    renderShop("/cart", { id_token: "token-1", expired: false, profile: { sub: "s", email: "a@b.c" } } as never);

    const line = (await screen.findByText("Product 7")).closest("li") as HTMLElement;
    const quantity = within(line).getByRole("spinbutton");
    await userEvent.clear(quantity);
    await userEvent.type(quantity, "3");
    await waitFor(() => expect(calls.some((c) => c.method === "PUT")).toBe(true));
    const put = calls.filter((c) => c.method === "PUT").at(-1);
    expect(put?.path).toBe("/api/v1/cart/items/7/");
    expect(put?.headers.get("Authorization")).toBe("Bearer token-1");
    expect(guestCartRead()).toEqual([]);
  });

  it("says so when the shop cannot be reached", async () => {
    guestCartWrite([{ productId: 1, quantity: 1 }]);
    fakeApi(() => envelope(503, "database_unavailable", "The database does not answer."));
    renderShop("/cart");
    expect(await screen.findByRole("alert", {}, { timeout: 5000 })).toHaveTextContent("having a problem on its side");
  });
});
