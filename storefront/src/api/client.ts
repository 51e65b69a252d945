/** The API client, typed from the live OpenAPI schema (schema.d.ts, `make storefront-types`). */
import createClient, { type Middleware } from "openapi-fetch";

import { apiErrorOf, networkError } from "./errors";
import type { paths } from "./schema";

export type Api = ReturnType<typeof createClient<paths>>;

/** A client that signs requests with the customer's ID token and throws ApiError for
 * anything but a success, so that TanStack Query sees failures as failures. */
export function apiCreate(baseUrl: string, idToken: () => string | null): Api {
  const client = createClient<paths>({
    baseUrl,
    fetch: async (request: Request) => {
      try {
        return await fetch(request);
      } catch {
        throw networkError();
      }
    },
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = idToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    async onResponse({ response }) {
      if (response.ok) return response;
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => null);
      throw apiErrorOf(response.status, body, response.headers);
    },
  };
  client.use(auth);
  return client;
}

/** The body of a successful answer (openapi-fetch gives data or error; errors throw above). */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    // A 204, or an error the middleware did not see: neither is a body.
    throw apiErrorOf(result.response.status, result.error, result.response.headers);
  }
  return result.data;
}
