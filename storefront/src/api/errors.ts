/** The API's one error envelope, {"error": {"code", "message", "details"}}, as an exception. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly retryAfter: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    retryAfter: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  /** No answer at all (offline, a dropped connection): the same request may be sent again. */
  get isNetwork(): boolean {
    return this.code === "network";
  }
}

interface Envelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function isEnvelope(body: unknown): body is Envelope {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

export function apiErrorOf(status: number, body: unknown, headers?: Headers): ApiError {
  const retry = Number(headers?.get("Retry-After") ?? "");
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  if (isEnvelope(body)) {
    return new ApiError(status, body.error.code, body.error.message, body.error.details ?? {}, retryAfter);
  }
  return new ApiError(status, "unexpected", `The shop answered ${status}.`, {}, retryAfter);
}

export const networkError = (): ApiError =>
  new ApiError(0, "network", "The shop could not be reached. Check the connection and try again.");

/** What to tell a customer for an error, by its code (the API's messages are for developers
 * where they name fields; these are for people). */
export function customerMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Please try again.";
  switch (error.code) {
    case "network":
      return error.message;
    case "not_found":
      return "We could not find that. It may have been removed, or the link is not complete.";
    case "throttled":
      return "Too many requests in a short time. Please wait a moment and try again.";
    case "database_unavailable":
    case "server_error":
      return "The shop is having a problem on its side. Please try again in a moment.";
    case "conflict":
      return "Something changed at the same moment. Please try again.";
    case "insufficient_stock":
      return "Some items do not have enough stock any more; the lines below say how many are left.";
    case "product_unavailable":
      return "Some items cannot be bought any more; remove them to go on.";
    case "too_many_unpaid_orders":
      return "You have unpaid orders holding stock. Pay or cancel them first, or wait until they expire.";
    case "not_authenticated":
    case "authentication_failed":
      return "Your sign-in has expired. Please sign in again.";
    case "email_not_verified":
      return "Please verify your email address with us before ordering.";
    case "order_not_payable":
    case "payment_arrived":
    case "invalid_status_transition":
    case "payment_provider_error":
      return error.message;
    case "payment_provider_unavailable":
      return "The payment service is not answering right now. Please try again in a moment.";
    default:
      return error.message || "Something went wrong. Please try again.";
  }
}

/** Field errors of a 400 `invalid`, flattened to "customer.email" -> message. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== "invalid") return {};
  const found: Record<string, string> = {};
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      const first: unknown = value[0];
      if (typeof first === "string") found[path] = first;
      else value.forEach((item, index) => walk(item, `${path}.${index}`));
    } else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    }
  };
  walk(error.details, "");
  return found;
}
