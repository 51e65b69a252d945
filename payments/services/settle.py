"""The sweep: what the provider did not take when asked is sent again (a Zappa event)."""

from dataclasses import dataclass

from payments.services.intents import intents_settle
from payments.services.refunds import refunds_settle


@dataclass(frozen=True)
class Settled:
    refunds_tried: int
    intents_closed: int


def payments_settle() -> Settled:
    """Send the pending refunds that are due, close the intents not yet closed."""
    return Settled(refunds_tried=refunds_settle(), intents_closed=intents_settle())
