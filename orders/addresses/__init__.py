"""A customer's address book: services, selectors and API (/api/v1/me/addresses/)."""
