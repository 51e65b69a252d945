"""Settings for every environment, one module a concern, read from environment variables.

environment (where values come from) -> security (secrets, hosts, HTTPS) -> base (Django,
the database) -> signin (the admin's lockout) -> storage -> email -> shop (the shop's own)
-> cognito -> payments -> api -> logs.
Tests use shop.settings.test on top of these.
"""

# ruff: noqa: I001 (read in the order above, not alphabetically)

from shop.settings.environment import *  # noqa: F403
from shop.settings.security import *  # noqa: F403
from shop.settings.base import *  # noqa: F403
from shop.settings.signin import *  # noqa: F403
from shop.settings.storage import *  # noqa: F403
from shop.settings.email import *  # noqa: F403
from shop.settings.shop import *  # noqa: F403
from shop.settings.cognito import *  # noqa: F403
from shop.settings.payments import *  # noqa: F403
from shop.settings.api import *  # noqa: F403
from shop.settings.logs import *  # noqa: F403
