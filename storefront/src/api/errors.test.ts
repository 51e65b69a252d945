import { describe, expect, it } from "vitest";

import { ApiError, apiErrorOf, customerMessage, fieldErrors, networkError } from "./errors";

describe("errors from the API's envelope", () => {
  it("reads the code, message, details and Retry-After", () => {
    const error = apiErrorOf(
      429,
      { error: { code: "throttled", message: "Too many requests.", details: { retry_after: 30 } } },
      new Headers({ "Retry-After": "30" }),
    );
    expect([error.status, error.code, error.retryAfter]).toEqual([429, "throttled", 30]);
    expect(customerMessage(error)).toMatch(/wait a moment/);
  });

  it("turns an answer that is not the envelope into an unexpected error, not a crash", () => {
    const error = apiErrorOf(502, "<html>Bad gateway</html>");
    expect(error.code).toBe("unexpected");
    expect(customerMessage(error)).toBe("The shop answered 502.");
  });

  it.each([
    ["not_found", /could not find/],
    ["database_unavailable", /problem on its side/],
    ["conflict", /changed at the same moment/],
    ["insufficient_stock", /enough stock/],
    ["too_many_unpaid_orders", /unpaid orders/],
    ["email_not_verified", /verify your email/],
  ])("says what %s means to a customer", (code, message) => {
    expect(customerMessage(new ApiError(400, code, "developer text"))).toMatch(message);
  });

  it("keeps a network failure apart, to be retried", () => {
    expect(networkError().isNetwork).toBe(true);
    expect(customerMessage(networkError())).toMatch(/could not be reached/);
    expect(customerMessage(new Error("boom"))).toMatch(/Something went wrong/);
  });

  it("flattens field errors to their paths", () => {
    const error = new ApiError(400, "invalid", "The request has invalid fields.", {
      customer: { email: ["Enter a valid email address."] },
      items: [{ quantity: ["Too many."] }],
    });
    expect(fieldErrors(error)).toEqual({
      "customer.email": "Enter a valid email address.",
      "items.0.quantity": "Too many.",
    });
  });
});
