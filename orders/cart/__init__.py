"""The signed-in customer's server-side cart: services, selectors and API."""
