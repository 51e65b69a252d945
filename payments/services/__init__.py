"""Writes on payments, by concern:

- `start`: a payment's intent at the provider;
- `webhooks`: the provider's events, handled once;
- `cancel`: cancelling and expiring orders with their money;
- `refunds`: money given back, written under the lock and sent after the commit;
- `intents`: closing intents at the provider;
- `manual`: money received outside the provider;
- `settle`: the sweep that sends again what the provider did not take.

No service calls the provider inside a transaction that holds an order's lock
(shop.db.outside_transaction refuses it); docs/design.md, "Locks", gives the lock order.
"""

from payments.services.cancel import order_cancel, order_expire, orders_expire
from payments.services.common import OPEN, SETTLED, payment_window_end
from payments.services.intents import intent_close, intents_settle
from payments.services.manual import MANUAL_METHODS, payment_record_manual
from payments.services.refunds import order_refund, refund_send, refunds_settle
from payments.services.settle import payments_settle
from payments.services.start import payment_start
from payments.services.webhooks import webhook_receive

__all__ = [
    "MANUAL_METHODS",
    "OPEN",
    "SETTLED",
    "intent_close",
    "intents_settle",
    "order_cancel",
    "order_expire",
    "order_refund",
    "orders_expire",
    "payment_record_manual",
    "payment_start",
    "payment_window_end",
    "payments_settle",
    "refund_send",
    "refunds_settle",
    "webhook_receive",
]
