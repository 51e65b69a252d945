"""Pieces of a self-contained HTML report: inline CSS, no scripts, every value escaped."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from shop.money import money_format

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


money = money_format  # 1,234.50: the report puts the currency once beside its figures


def page_start(title: str, subtitle: str) -> str:
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    return format_html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>{}</title><style>{}</style></head><body>"
        '<h1>{}</h1><p class="muted">{} · {} · generated {} · amounts in {}</p>',
        title,
        mark_safe(STYLE),  # a constant of this module, no data in it
        title,
        subtitle,
        settings.SHOP_NAME,
        generated,
        settings.SHOP_CURRENCY,
    )


def page_end() -> str:
    return "</body></html>\n"


def kpis(items: Sequence[tuple[str, str]]) -> str:
    cells = format_html_join(
        "", '<div class="kpi"><span class="muted">{}</span><b>{}</b></div>', items
    )
    return format_html('<div class="kpis">{}</div>', cells)


def _cells(tag: str, values: Iterable[object], numeric: Sequence[int]) -> str:
    return format_html_join(
        "",
        "<{}{}>{}</{}>",
        (
            (tag, mark_safe(' class="n"') if i in numeric else "", value, tag)
            for i, value in enumerate(values)
        ),
    )


def table_start(headers: Sequence[str], numeric: Sequence[int] = ()) -> str:
    return format_html("<table><thead><tr>{}</tr></thead><tbody>", _cells("th", headers, numeric))


def row(values: Iterable[object], numeric: Sequence[int] = (), css: str = "") -> str:
    cells = _cells("td", values, numeric)
    if css:
        return format_html('<tr class="{}">{}</tr>', css, cells)
    return format_html("<tr>{}</tr>", cells)


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
        bars.append(
            (
                f"{x:.1f}",
                f"{height - pad - h:.1f}",
                f"{bar:.1f}",
                f"{h:.1f}",
                f"{day.isoformat()}: {money(value)}",
            )
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="Revenue per day">'
        '<line x1="{pad}" y1="{base}" x2="{right}" y2="{base}" stroke="#999"/>'
        '<text x="{pad}" y="{top_y}" font-size="12" fill="#666">max {top}</text>'
        "{bars}"
        '<text x="{pad}" y="{label_y}" font-size="12" fill="#666">{first}</text>'
        '<text x="{right}" y="{label_y}" font-size="12" fill="#666" text-anchor="end">'
        "{last}</text></svg>",
        w=width,
        h=height,
        pad=pad,
        base=height - pad,
        right=width - pad,
        top_y=pad - 12,
        top=money(top),
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#1f6fb2"><title>{}</title></rect>',
            bars,
        ),
        label_y=height - 12,
        first=days[0][0].isoformat(),
        last=days[-1][0].isoformat(),
    )
