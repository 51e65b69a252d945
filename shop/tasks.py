"""Background work of the shop itself: Zappa tasks (asynchronous on Lambda, inline locally)."""

from shop.background import background_task
from shop.outbox import email_send


@background_task
def outbox_send_task(message_id: int) -> None:
    """Send one email of the outbox. A failure is recorded on its row, never raised: the
    outbox's sweep tries again, so Lambda need not."""
    email_send(message_id)
