"""Pieces of a self-contained HTML report: inline CSS, no scripts, every value escaped."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;color:#222;margin:32px;max-width:1100px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:2px solid #ddd}
.muted{color:#666;font-size:13px}
.kpis{display:flex;gap:16px;flex-wrap:wrap;margin:16px 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:12px 16px;min-width:150px}
.kpi b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid #eee;text-align:left}
th{background:#f4f4f2}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.out td{background:#fdecea}tr.low td{background:#fff6e0}
svg{max-width:100%;height:auto}
"""


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):,.2f}"


def page_start(title: str, subtitle: str) -> str:
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="muted">{escape(subtitle)} · '
        f"{escape(settings.SHOP_NAME)} · generated {escape(generated)} · "
        f"amounts in {escape(settings.SHOP_CURRENCY)}</p>"
    )


def page_end() -> str:
    return "</body></html>\n"


def kpis(items: Sequence[tuple[str, str]]) -> str:
    cells = "".join(
        f'<div class="kpi"><span class="muted">{escape(label)}</span><b>{escape(value)}</b></div>'
        for label, value in items
    )
    return f'<div class="kpis">{cells}</div>'


def table_start(headers: Sequence[str], numeric: Sequence[int] = ()) -> str:
    cells = "".join(
        f'<th class="n">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>"


def row(values: Iterable[object], numeric: Sequence[int] = (), css: str = "") -> str:
    cells = "".join(
        f'<td class="n">{escape(v)}</td>' if i in numeric else f"<td>{escape(v)}</td>"
        for i, v in enumerate(values)
    )
    return f'<tr class="{css}">{cells}</tr>' if css else f"<tr>{cells}</tr>"


def table_end() -> str:
    return "</tbody></table>"


def revenue_chart(days: Sequence[tuple[date, Decimal]]) -> str:
    """An inline SVG bar chart of revenue per day, with the highest value and the date span."""
    width, height, pad = 900, 220, 40
    if not days:
        return '<p class="muted">No days in this period.</p>'
    top = max((value for _, value in days), default=Decimal(0)) or Decimal(1)
    step = (width - 2 * pad) / len(days)
    bar = max(step * 0.8, 1)
    bars = []
    for i, (day, value) in enumerate(days):
        h = float(value / top) * (height - 2 * pad)
        x = pad + i * step
        label = f"{day.isoformat()}: {money(value)}"
        bars.append(
            f'<rect x="{x:.1f}" y="{height - pad - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="#1f6fb2"><title>{escape(label)}</title></rect>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Revenue per day">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="#999"/>'
        f'<text x="{pad}" y="{pad - 12}" font-size="12" fill="#666">max {escape(money(top))}</text>'
        f"{''.join(bars)}"
        f'<text x="{pad}" y="{height - 12}" font-size="12" fill="#666">'
        f"{escape(days[0][0].isoformat())}</text>"
        f'<text x="{width - pad}" y="{height - 12}" font-size="12" fill="#666" text-anchor="end">'
        f"{escape(days[-1][0].isoformat())}</text></svg>"
    )
