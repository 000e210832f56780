"""What the marketplace holds about a person, for GDPR export and erasure. Contracts stay (they document money
that moved and the other party's work); the person's own words are blanked, their open projects close, their
portfolio goes."""

from django.db.models import Q

from accounts import privacy

from .models import Contract, PortfolioItem, Project, ProjectStatus, Proposal, ProposalStatus, Review

ERASED_TEXT = "[removed at the author's request]"


def _iso(value):
    return value.isoformat() if value else None


def _money(value):
    return str(value) if value is not None else None


def export_projects(user) -> list:
    return [
        {"id": p.pk, "title": p.title, "description": p.description, "status": p.status,
         "budget_type": p.budget_type, "budget_min": _money(p.budget_min), "budget_max": _money(p.budget_max),
         "currency": p.currency, "deadline": _iso(p.deadline), "created_at": _iso(p.created_at)}
        for p in Project.objects.filter(client=user).order_by("id")
    ]


def erase_projects(user) -> None:
    live = Project.objects.filter(client=user, status__in=[ProjectStatus.DRAFT, ProjectStatus.OPEN,
                                                           ProjectStatus.ON_HOLD])
    # Projects without a contract are nobody else's record: their text goes. Projects with contracts keep the title
    # the contract and invoices refer to.
    live.filter(contracts__isnull=True).update(status=ProjectStatus.CANCELLED, description=ERASED_TEXT)
    live.update(status=ProjectStatus.CANCELLED)


def export_proposals(user) -> list:
    return [
        {"id": p.pk, "project_id": p.project_id, "cover_letter": p.cover_letter, "bid_amount": _money(p.bid_amount),
         "currency": p.currency, "status": p.status, "created_at": _iso(p.created_at)}
        for p in Proposal.objects.filter(freelancer=user).order_by("id")
    ]


def erase_proposals(user) -> None:
    Proposal.objects.filter(freelancer=user, status__in=[ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED]
                            ).update(status=ProposalStatus.WITHDRAWN)
    Proposal.objects.filter(freelancer=user).update(cover_letter=ERASED_TEXT, availability="", attachments=[])


def export_contracts(user) -> list:
    return [
        {"id": c.pk, "project_id": c.project_id, "role": "client" if c.client_id == user.pk else "freelancer",
         "title": c.title, "contract_type": c.contract_type, "amount": _money(c.amount),
         "hourly_rate": _money(c.hourly_rate), "currency": c.currency, "status": c.status,
         "start_date": _iso(c.start_date), "end_date": _iso(c.end_date), "created_at": _iso(c.created_at)}
        for c in Contract.objects.filter(Q(client=user) | Q(freelancer=user)).order_by("id")
    ]


def keep_contracts(user) -> None:
    """Contracts document money that moved; they stay, pointing at the anonymised user row."""


def export_portfolio(user) -> list:
    return [
        {"id": i.pk, "title": i.title, "description": i.description, "image_url": i.image_url,
         "project_url": i.project_url, "skills": i.skills, "completed_on": _iso(i.completed_on)}
        for i in PortfolioItem.objects.filter(freelancer=user).order_by("id")
    ]


def erase_portfolio(user) -> None:
    PortfolioItem.objects.filter(freelancer=user).delete()


def export_reviews(user) -> dict:
    def row(r):
        return {"id": r.pk, "contract_id": r.contract_id, "rating": r.rating, "comment": r.comment,
                "reply": r.reply, "created_at": _iso(getattr(r, "created_at", None))}

    return {"given": [row(r) for r in Review.objects.filter(reviewer=user).order_by("id")],
            "received": [row(r) for r in Review.objects.filter(reviewee=user).order_by("id")]}


def erase_reviews(user) -> None:
    # Ratings stay (the other party's reputation depends on them); the erased person's words go.
    Review.objects.filter(reviewer=user).exclude(comment="").update(comment=ERASED_TEXT)
    Review.objects.filter(reviewee=user).exclude(reply="").update(reply=ERASED_TEXT)


privacy.register("projects", export_projects, erase_projects, models=("marketplace.Project",))
privacy.register("proposals", export_proposals, erase_proposals, models=("marketplace.Proposal",))
privacy.register("contracts", export_contracts, keep_contracts, models=("marketplace.Contract",))
privacy.register("portfolio", export_portfolio, erase_portfolio, models=("marketplace.PortfolioItem",))
privacy.register("reviews", export_reviews, erase_reviews, models=("marketplace.Review",))
