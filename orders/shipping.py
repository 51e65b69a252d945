"""Carriers the shop ships with, and where a customer follows a parcel."""

from urllib.parse import quote

# code: (name, tracking page with {} for the number; "" when the carrier has none known)
CARRIERS: dict[str, tuple[str, str]] = {
    "postnord": ("PostNord", "https://tracking.postnord.com/tracking.html?id={}"),
    "bring": ("Bring", "https://tracking.bring.com/tracking/{}"),
    "dhl": (
        "DHL",
        "https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id={}",
    ),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={}"),
    "other": ("Another carrier", ""),
}
CARRIER_CHOICES = [(code, name) for code, (name, _) in CARRIERS.items()]


def tracking_url(carrier: str, tracking_number: str) -> str:
    """The carrier's page for the parcel, or "" when the carrier or the number is unknown."""
    template = CARRIERS.get(carrier, ("", ""))[1]
    return template.format(quote(tracking_number, safe="")) if template and tracking_number else ""
