from django import template

register = template.Library()


@register.filter
def attachment_name(path: str) -> str:
    """support/tickets/12/3fa9c1d2e4b5-screenshot.png -> screenshot.png (the random prefix keeps names unique)."""
    return str(path).rsplit("/", 1)[-1].split("-", 1)[-1]
