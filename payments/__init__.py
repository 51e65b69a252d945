"""Payments: customers pay their orders (Stripe PaymentIntents), unpaid orders expire."""
