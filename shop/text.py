"""Text a person typed (names, addresses, notes, reasons): one rule, used everywhere.

Refused anywhere in the text: control characters (Unicode Cc: CR, LF, NUL, tab and the
rest), and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069) that make "Ann \u202egnp.exe\u202c" display as "Ann exe.png". Refused too:
text made only of whitespace or invisible characters (zero-width spaces, joiners, the BOM,
Hangul fillers). The same pattern is the OpenAPI schema's (shop.api.openapi), so the schema
states exactly this rule.
"""

import re

from django.core.exceptions import ValidationError

REFUSED = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
INVISIBLE = (
    " \xa0\xad\u115f\u1160\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u2060-\u2064"
    "\u206a-\u206f\u2800\u3000\u3164\ufeff\uffa0"
)
# At least one character that shows, and nothing refused.
VISIBLE_TEXT = f"^[^{REFUSED}]*[^{REFUSED}{INVISIBLE}][^{REFUSED}]*$"
_VISIBLE_TEXT = re.compile(VISIBLE_TEXT)
MESSAGE = (
    "Must be readable text: no control characters (such as line breaks), no bidirectional "
    "overrides, and not only spaces or invisible characters."
)


def is_visible_text(value: str) -> bool:
    """True when `value` holds something that shows and nothing that hides or reorders."""
    return bool(_VISIBLE_TEXT.match(value))


def human_text(value: str) -> None:
    """Django validator: refuse text that could lie about what it says (see the module)."""
    if value and not is_visible_text(value):
        raise ValidationError(MESSAGE, code="invalid_text")
