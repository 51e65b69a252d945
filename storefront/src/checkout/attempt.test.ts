import { describe, expect, it } from "vitest";

import { attemptDone, attemptKey } from "./attempt";

const body = { items: [{ product_id: 3, quantity: 2 }], customer: { name: "Ann", email: "a@b.c" } };

describe("attemptKey", () => {
  it("reuses the key for the same request until the attempt is done", () => {
    const first = attemptKey(body);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    // The same request in another key order is the same request.
    expect(attemptKey({ customer: { email: "a@b.c", name: "Ann" }, items: body.items })).toBe(first);
    attemptDone();
    expect(attemptKey(body)).not.toBe(first);
  });

  it("makes a new key when the request changes", () => {
    const first = attemptKey(body);
    const changed = attemptKey({ ...body, items: [{ product_id: 3, quantity: 3 }] });
    expect(changed).not.toBe(first);
    // And going back to the first request is yet another attempt.
    expect(attemptKey(body)).not.toBe(first);
  });

  it("survives a reload of the page", () => {
    const first = attemptKey(body, () => "key-one");
    expect(JSON.parse(sessionStorage.getItem("shop.checkout.attempt.v1") ?? "{}")).toMatchObject({ key: first });
    expect(attemptKey(body, () => "key-two")).toBe("key-one");
  });
});
