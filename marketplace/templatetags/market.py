"""Small formatting helpers for the marketplace pages: money, budgets and star ratings."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

register = template.Library()

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


@register.filter
def money(value, currency="USD"):
    """1250 -> "$1,250"; 99.5 -> "$99.50"; None -> "—". Whole amounts drop the cents to keep cards short."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = SYMBOLS.get(currency or "USD")
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


@register.filter
def budget(project):
    """The budget line of a project card: "$500–$1,500", "Up to $800", "$40–$60/h"."""
    low, high = project.budget_min, project.budget_max
    suffix = "/h" if project.budget_type == "hourly" else ""
    if low is not None and high is not None:
        text = money(low, project.currency) if low == high else (
            f"{money(low, project.currency)}–{money(high, project.currency)}")
    elif high is not None:
        text = f"Up to {money(high, project.currency)}"
    elif low is not None:
        text = f"From {money(low, project.currency)}"
    else:
        return "Budget open"
    return f"{text}{suffix}"


@register.simple_tag
def stars(average, count=None):
    """★★★★☆ 4.3 (12) with an accessible label; "No reviews yet" when there are none."""
    if not average:
        return mark_safe('<span class="mk-rating mk-rating-none">No reviews yet</span>')
    value = float(average)
    full = round(value)
    label = f"Rated {value:.1f} out of 5" + (f" from {count} review{'s' if count != 1 else ''}" if count else "")
    count_html = format_html(' <span class="muted">({})</span>', count) if count else ""
    return format_html('<span class="mk-rating" aria-label="{}" title="{}"><span class="mk-stars" aria-hidden="true">'
                       '{}<span class="mk-stars-off">{}</span></span> <strong>{}</strong>{}</span>',
                       label, label, "★" * full, "★" * (5 - full), f"{value:.1f}", count_html)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def ago(value):
    """"3 days ago" (one unit, unlike Django's "3 days, 7 hours")."""
    if not value:
        return ""
    text = timesince(value, depth=1)
    # timesince separates with a no-break space: "0\xa0minutes".
    return "just now" if text.split("\xa0")[0] == "0" else f"{text} ago"


# Category icons: a few Lucide outlines (ISC licence), inline so that no icon font or CDN is needed.
ICONS = {
    "code": '<polyline points="16 18 22 12 16 6"/><polyline points="8 6 2 12 8 18"/>',
    "smartphone": '<rect width="14" height="20" x="5" y="2" rx="2"/><path d="M12 18h.01"/>',
    "palette": '<circle cx="13.5" cy="6.5" r=".5"/><circle cx="17.5" cy="10.5" r=".5"/>'
               '<circle cx="8.5" cy="7.5" r=".5"/><circle cx="6.5" cy="12.5" r=".5"/>'
               '<path d="M12 2C6.5 2 2 6.5 2 12s4.5 10 10 10c.93 0 1.65-.75 1.65-1.69 0-.44-.18-.84-.44-1.13'
               '-.29-.29-.44-.65-.44-1.13a1.64 1.64 0 0 1 1.67-1.67h2c3.05 0 5.55-2.5 5.55-5.55C21.97 6.01 '
               '17.46 2 12 2z"/>',
    "pen-tool": '<path d="m12 19 7-7 3 3-7 7-3-3z"/><path d="m18 13-1.5-7.5L2 2l3.5 14.5L13 18l5-5z"/>'
                '<path d="m2 2 7.59 7.59"/><circle cx="11" cy="11" r="2"/>',
    "megaphone": '<path d="m3 11 18-5v12L3 14v-3z"/><path d="M11.6 16.8a3 3 0 1 1-5.8-1.6"/>',
    "bar-chart-3": '<path d="M3 3v18h18"/><path d="M18 17V9"/><path d="M13 17V5"/><path d="M8 17v-3"/>',
    "cloud": '<path d="M17.5 19H9a7 7 0 1 1 6.71-9h1.79a4.5 4.5 0 1 1 0 9Z"/>',
    "shield-check": '<path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10"/><path d="m9 12 2 2 4-4"/>',
    "clapperboard": '<path d="M20.2 6 3 11l-.9-2.4c-.3-1.1.3-2.2 1.3-2.5l13.5-4c1.1-.3 2.2.3 2.5 1.3Z"/>'
                    '<path d="m6.2 5.3 3.1 3.9"/><path d="m12.4 3.4 3.1 4"/>'
                    '<path d="M3 11h18v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2Z"/>',
    "bot": '<path d="M12 8V4H8"/><rect width="16" height="12" x="4" y="8" rx="2"/><path d="M2 14h2"/>'
           '<path d="M20 14h2"/><path d="M15 13v2"/><path d="M9 13v2"/>',
    "badge-check": '<circle cx="12" cy="12" r="10"/><path d="m9 12 2 2 4-4"/>',
    "briefcase": '<rect width="20" height="14" x="2" y="7" rx="2"/>'
                 '<path d="M16 21V5a2 2 0 0 0-2-2h-4a2 2 0 0 0-2 2v16"/>',
}


@register.simple_tag
def category_icon(name):
    body = ICONS.get(name or "", '<circle cx="12" cy="12" r="9"/>')
    # Safe: the markup comes from the constant table above, never from input.
    return mark_safe(
        '<svg class="mk-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" '
        f'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{body}</svg>')
