"""A freelancer's portfolio: past work shown on the public profile."""

from django.db import transaction

from accounts.models import Role, User
from megilance.api.exceptions import ApplicationError, Forbidden, NotFound

from ..models import PortfolioItem

FIELDS = ("title", "description", "image_url", "images", "project_url", "skills", "completed_on", "sort_order")


def portfolio_skills_clean(value) -> list[str]:
    """Skills as a list of names: a JSON list or a comma-separated string, trimmed, without duplicates
    (compared case-insensitively, the first spelling wins)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    names, seen = [], set()
    for item in items:
        name = str(item).strip()[:80]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def _clean(data: dict) -> dict:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}.",
                               errors={name: ["Unknown field."] for name in sorted(unknown)})
    data = dict(data)
    if "skills" in data:
        data["skills"] = portfolio_skills_clean(data["skills"])
    if "images" in data:
        data["images"] = [str(url) for url in (data["images"] or []) if str(url).strip()]
    if "title" in data and not str(data["title"]).strip():
        raise ApplicationError("A portfolio item needs a title.", errors={"title": ["This field is required."]})
    return data


def _check_owner(item: PortfolioItem, actor: User) -> None:
    # Anyone may look at a portfolio, but another person's item is not theirs to change: answer as if absent.
    if actor.pk != item.freelancer_id:
        raise NotFound("Portfolio item not found.")


@transaction.atomic
def portfolio_item_create(*, freelancer: User, data: dict) -> PortfolioItem:
    if freelancer.role != Role.FREELANCER:
        raise Forbidden("Only freelancers keep a portfolio.")
    data = _clean(data)
    if not str(data.get("title") or "").strip():
        raise ApplicationError("A portfolio item needs a title.", errors={"title": ["This field is required."]})
    # Unsaved at first so that the image_url can default to the first image below.
    item = PortfolioItem(freelancer=freelancer, **data)
    if not item.image_url and item.images:
        item.image_url = item.images[0]
    item.full_clean(exclude=["freelancer"])
    item.save()
    return item


@transaction.atomic
def portfolio_item_update(*, item: PortfolioItem, actor: User, data: dict) -> PortfolioItem:
    _check_owner(item, actor)
    data = _clean(data)
    for name, value in data.items():
        setattr(item, name, value)
    item.full_clean(exclude=["freelancer"])
    if data:
        item.save(update_fields=[*data, "updated_at"])
    return item


@transaction.atomic
def portfolio_item_delete(*, item: PortfolioItem, actor: User) -> None:
    _check_owner(item, actor)
    item.delete()
