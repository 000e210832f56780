"""Saved searches (`saved_searches`): a project search kept under a name, with alerts.

Instant alerts: when a project is published, every instant saved search it matches notifies its owner (an
in-app notification, delivered on the channels the owner chose); the matching runs in a task after the commit,
so publishing never waits for it. Daily and weekly digests: a beat task emails each owner the new matches of the
period. Matching uses the same search service as the search API, so an alert never disagrees with the results.
"""

from celery import shared_task
from django.conf import settings
from django.db import models, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.http import urlencode
from rest_framework.exceptions import ValidationError

from accounts import privacy
from marketplace import events as market_events
from marketplace.search.params import parse_project_query
from marketplace.search.service import project_matches
from megilance import seeding
from megilance.api.exceptions import ApplicationError

MAX_PER_USER = 25
DIGEST_LIMIT = 10


class AlertFrequency(models.TextChoices):
    INSTANT = "instant", "Instant"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    NEVER = "never", "No alerts"


class SavedSearch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=100)
    query = models.JSONField(default=dict, blank=True, help_text="The search's query-string parameters.")
    alert_frequency = models.CharField(max_length=10, choices=AlertFrequency.choices,
                                       default=AlertFrequency.DAILY, db_index=True)
    last_alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "engagement"
        db_table = "saved_searches"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique")]

    def __str__(self):
        return f"{self.name} ({self.alert_frequency})"

    @property
    def search_url(self) -> str:
        return "/search/?" + urlencode(self.query)

    def project_query(self):
        return parse_project_query(self.query)


# Services ------------------------------------------------------------------------------------------------------


def _clean_query(query) -> dict:
    """Check the parameters as the search API would (a bad filter is a 400 here too) and keep them as strings."""
    if not isinstance(query, dict):
        raise ApplicationError("query must be an object of search parameters.", code="invalid",
                               errors={"query": ["Give an object such as {\"q\": \"react\"}."]})
    cleaned = {}
    for key, value in query.items():
        if value in (None, "", []):
            continue
        cleaned[str(key)] = ",".join(str(v) for v in value) if isinstance(value, list) else str(value)
    from marketplace.search.params import ProjectSearchSerializer

    unknown = set(cleaned) - set(ProjectSearchSerializer().fields)
    if unknown:
        raise ApplicationError(f"Unknown search parameters: {', '.join(sorted(unknown))}.", code="invalid",
                               errors={"query": [f"Unknown: {', '.join(sorted(unknown))}"]})
    parse_project_query(cleaned)  # raises ValidationError (400) on bad values
    return cleaned


@transaction.atomic
def saved_search_create(*, user, name: str, query: dict, alert_frequency: str = AlertFrequency.DAILY
                        ) -> SavedSearch:
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the search a name.", code="invalid", errors={"name": ["Required."]})
    if SavedSearch.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ApplicationError(f"You can keep up to {MAX_PER_USER} saved searches.", code="too_many")
    if SavedSearch.objects.filter(user=user, name__iexact=name).exists():
        raise ApplicationError("You already have a saved search with this name.", code="duplicate",
                               errors={"name": ["Already used."]})
    return SavedSearch.objects.create(user=user, name=name[:100], query=_clean_query(query),
                                      alert_frequency=alert_frequency, last_alerted_at=timezone.now())


@transaction.atomic
def saved_search_update(*, saved_search: SavedSearch, name: str | None = None, query: dict | None = None,
                        alert_frequency: str | None = None) -> SavedSearch:
    if name is not None:
        name = name.strip()
        if not name:
            raise ApplicationError("Give the search a name.", code="invalid", errors={"name": ["Required."]})
        clash = SavedSearch.objects.filter(user_id=saved_search.user_id, name__iexact=name).exclude(
            pk=saved_search.pk)
        if clash.exists():
            raise ApplicationError("You already have a saved search with this name.", code="duplicate",
                                   errors={"name": ["Already used."]})
        saved_search.name = name[:100]
    if query is not None:
        saved_search.query = _clean_query(query)
    if alert_frequency is not None:
        saved_search.alert_frequency = alert_frequency
    saved_search.save()
    return saved_search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()


def saved_search_matching(*, project, frequency: str = AlertFrequency.INSTANT):
    """The saved searches of `frequency` that `project` matches (never the project's own client)."""
    found = []
    searches = (SavedSearch.objects.filter(alert_frequency=frequency, user__is_active=True)
                .exclude(user_id=project.client_id).select_related("user").order_by("id"))
    for saved in searches.iterator(chunk_size=500):
        try:
            query = saved.project_query()
        except ValidationError:  # saved under older rules: skip it, never stop the others
            continue
        if project_matches(query).filter(pk=project.pk).exists():
            found.append(saved)
    return found


@transaction.atomic
def saved_search_alert_instant(*, project_id: int) -> int:
    """Notify the owners of the instant saved searches the published project matches. Returns how many."""
    from marketplace.models import Project

    from .models import NotificationType
    from .services.notifications import notification_create

    project = Project.objects.filter(pk=project_id).first()
    if project is None or not project.is_open:
        return 0
    sent = 0
    now = timezone.now()
    for saved in saved_search_matching(project=project):
        notification_create(
            user=saved.user, notification_type=NotificationType.SAVED_SEARCH_MATCH,
            title=f"New project for \u201c{saved.name}\u201d: {project.title}"[:200],
            message=project.description[:300], link=project.get_absolute_url(),
            data={"saved_search_id": saved.pk, "project_id": project.pk},
        )
        SavedSearch.objects.filter(pk=saved.pk).update(last_alerted_at=now)
        sent += 1
    return sent


def saved_search_new_matches(*, saved_search: SavedSearch, since, limit: int = DIGEST_LIMIT):
    query = saved_search.project_query()
    return list(project_matches(query).filter(published_at__gt=since)
                .exclude(client_id=saved_search.user_id).order_by("-published_at", "-id")[:limit])


def saved_searches_send_digests(*, frequency: str) -> int:
    """Email each owner the projects published since the last alert that match their search."""
    from megilance.email import send_email

    sent = 0
    now = timezone.now()
    searches = (SavedSearch.objects.filter(alert_frequency=frequency, user__is_active=True)
                .select_related("user").order_by("id"))
    for saved in searches.iterator(chunk_size=200):
        since = saved.last_alerted_at or saved.created_at
        try:
            projects = saved_search_new_matches(saved_search=saved, since=since)
        except ValidationError:  # saved under older rules: skip it, never stop the others
            continue
        with transaction.atomic():
            SavedSearch.objects.filter(pk=saved.pk).update(last_alerted_at=now)
            if projects and saved.user.email:
                send_email(to=saved.user.email, template="saved_search_digest", context={
                    "name": saved.user.display_name, "search_name": saved.name, "frequency": frequency,
                    "search_url": settings.SITE_URL.rstrip("/") + saved.search_url,
                    "projects": [{"title": p.title, "url": settings.SITE_URL.rstrip("/") + p.get_absolute_url(),
                                  "budget_min": str(p.budget_min or ""), "budget_max": str(p.budget_max or ""),
                                  "currency": p.currency} for p in projects],
                })
                sent += 1
    return sent


# Tasks and receivers -------------------------------------------------------------------------------------------


@shared_task(name="engagement.saved_search_alert_instant")
def saved_search_alert_instant_task(project_id: int) -> int:
    return saved_search_alert_instant(project_id=project_id)


@shared_task(name="engagement.saved_searches_send_digests")
def saved_searches_send_digests_task(frequency: str) -> int:
    return saved_searches_send_digests(frequency=frequency)


@receiver(market_events.project_published, dispatch_uid="saved_search_alerts")
def _alert_on_publish(sender, project, **kwargs):
    project_id = project.pk
    transaction.on_commit(lambda: saved_search_alert_instant_task.delay(project_id))


# Demo data ------------------------------------------------------------------------------------------------------

DEMO_SEARCHES = [
    ("freelancer1@example.com", "React work", {"q": "react", "budget_min": "500"}, AlertFrequency.INSTANT),
    ("freelancer1@example.com", "Django APIs", {"skills": "Django,REST APIs"}, AlertFrequency.DAILY),
    ("freelancer2@example.com", "Design jobs", {"q": "design -logo", "sort": "newest"}, AlertFrequency.WEEKLY),
]


def seed_saved_searches(progress) -> None:
    """A few saved searches for the demo freelancers (looked up by name first, so a second run adds nothing)."""
    from accounts.models import User

    for email, name, query, frequency in DEMO_SEARCHES:
        user = User.objects.filter(email=email).first()
        if user is not None and not SavedSearch.objects.filter(user=user, name=name).exists():
            saved_search_create(user=user, name=name, query=query, alert_frequency=frequency)
    progress.advance()


# GDPR ----------------------------------------------------------------------------------------------------------


def export_saved_searches(user) -> dict:
    return {"saved_searches": [
        {"id": s.pk, "name": s.name, "query": s.query, "alert_frequency": s.alert_frequency,
         "last_alerted_at": s.last_alerted_at.isoformat() if s.last_alerted_at else None,
         "created_at": s.created_at.isoformat()}
        for s in SavedSearch.objects.filter(user=user).order_by("id")
    ]}


def erase_saved_searches(user) -> None:
    SavedSearch.objects.filter(user=user).delete()


privacy.register("saved_searches", export_saved_searches, erase_saved_searches,
                 models=("engagement.SavedSearch",))
seeding.register("engagement", seed_saved_searches)
