"""Lambda SnapStart hooks: what to do before the snapshot and after each restore.

With SnapStart (zappa_settings.json, production) Lambda runs the function's start-up once
when a version is published, snapshots the memory, and starts every new environment from
that snapshot. Start-up cost then matters once per deployment, so the hook loads everything
a request needs before the snapshot. What must not be shared between restored
environments is dropped or renewed:

- database connections: a socket in a snapshot is dead after a restore, so none is kept;
- the `random` module's state, identical in every restored copy, is re-seeded
  (tokens, keys and order references use `secrets`, which reads the OS on every call).

The hooks come from `snapshot_restore_py`, which only Lambda's Python runtime provides:
elsewhere nothing is registered.
"""

import logging
import random

logger = logging.getLogger(__name__)


def before_snapshot() -> None:
    """Import every view and close database connections, so the snapshot is warm and clean."""
    from django.db import connections
    from django.urls import get_resolver

    # Resolving the URLconf's patterns imports every view module, serializers and all.
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 (populating it imports the views)
    # Loaded lazily otherwise: Pillow by the first upload, the token machinery by the first
    # signed-in request, Stripe's package by the first payment or webhook.
    import PIL.Image  # noqa: F401
    import stripe  # noqa: F401

    import shop.cognito  # noqa: F401

    connections.close_all()
    logger.info("snapstart: ready for the snapshot")


def after_restore() -> None:
    """Make a restored environment its own: fresh random state, no inherited connections."""
    from django.db import connections

    random.seed()
    connections.close_all()


def register() -> bool:
    """Register the hooks with Lambda's runtime; return whether it was there to take them."""
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    return True
