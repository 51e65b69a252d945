"""Errors of the payments domain, each with a stable code for API clients."""

from shop.errors import Conflict, DomainError


class InvalidWebhook(DomainError):
    code = "invalid_webhook"
    status_code = 400
    default_message = "The webhook could not be verified."


class ProviderError(DomainError):
    code = "payment_provider_error"
    status_code = 502
    default_message = "The payment provider did not answer as expected; try again."


class ProviderUnavailable(ProviderError):
    """The provider did not answer, or answered that it could not now (a timeout, a 5xx, a
    rate limit): the same request may go through later. Any other ProviderError is a refusal."""

    code = "payment_provider_unavailable"
    status_code = 503
    default_message = "The payment provider did not answer; try again."

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.headers["Retry-After"] = "5"


class OrderNotPayable(Conflict):
    code = "order_not_payable"
    default_message = "This order cannot be paid."


class PaymentArrived(Conflict):
    code = "payment_arrived"
    default_message = "A payment for this order has just arrived; look again in a moment."


class RefundRefused(DomainError):
    code = "refund_refused"
    status_code = 400
    default_message = "This refund cannot be made."


class ManualPaymentIncomplete(DomainError):
    code = "manual_payment_incomplete"
    status_code = 400
    default_message = (
        "To mark an order paid by hand, confirm it and give the method (bank transfer, cash) "
        "and its reference."
    )
