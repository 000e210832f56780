"""Small formatting helpers for the marketplace pages: money, budgets and star ratings."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
