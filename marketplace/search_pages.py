"""Search pages: project search with filters and facets, freelancer search, autocomplete as you type (HTMX),
category pages, saved searches, and two fragments other pages load with HTMX: "recommended for you" (freelancer
dashboard) and "suggested freelancers" (a client's project page)."""

from importlib import import_module

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from megilance.api.exceptions import ApplicationError

from . import recommendations, selectors
from .models import BudgetType, ExperienceLevel
from .search import params as search_params
from .search import service

PAGE_SIZE = 20
SORTS = [("", "Best match"), ("newest", "Newest"), ("budget", "Highest budget")]


def _errors(exc: ValidationError) -> list[str]:
    detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
    return [f"{field.replace('_', ' ')}: {' '.join(map(str, msgs if isinstance(msgs, list) else [msgs]))}".strip(": ")
            for field, msgs in detail.items()]


def _page(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 500))
    except ValueError:
        return 1


def _page_links(request, page: int, count: int) -> dict:
    params = request.GET.copy()
    links = {}
    if page > 1:
        params["page"] = page - 1
        links["previous"] = "?" + params.urlencode()
    if page * PAGE_SIZE < count:
        params["page"] = page + 1
        links["next"] = "?" + params.urlencode()
    return links


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def search_projects(request, category_slug: str | None = None):
    data = request.GET.copy()
    category = None
    if category_slug is not None:
        category = selectors.category_list().filter(slug=category_slug).first()
        if category is None:
            raise Http404
        data["category"] = category.slug
    page = _page(request)
    context = {"sorts": SORTS, "budget_types": BudgetType.choices, "experience_levels": ExperienceLevel.choices,
               "categories": selectors.category_tree(), "category": category, "values": data,
               "query_string": _query_string(request), "errors": [], "page": page}
    try:
        query = search_params.parse_project_query(data)
    except ValidationError as exc:
        context["errors"] = _errors(exc)
        return render(request, "search/search.html", context, status=400)
    result = service.project_search(query, viewer=request.user, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    context.update(result=result, query=query, links=_page_links(request, page, result.count),
                   facets=service.project_facets(query, viewer=request.user),
                   subcategories=list(_children(context["categories"], category)))
    template = "search/_results.html" if request.headers.get("HX-Request") else "search/search.html"
    return render(request, template, context)


def _children(tree, category):
    if category is None:
        return []
    stack = list(tree)
    while stack:
        node = stack.pop()
        if node["id"] == category.pk:
            return node["children"]
        stack.extend(node["children"])
    return []


def categories(request):
    return render(request, "search/categories.html", {"categories": selectors.category_tree()})


def search_freelancers(request):
    page = _page(request)
    context = {"values": request.GET, "errors": [], "page": page}
    try:
        query = search_params.parse_freelancer_query(request.GET)
    except ValidationError as exc:
        context["errors"] = _errors(exc)
        return render(request, "search/freelancers.html", context, status=400)
    result = service.freelancer_search(query, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    context.update(result=result, links=_page_links(request, page, result.count))
    return render(request, "search/freelancers.html", context)


SUGGESTION_LINKS = {
    "skill": lambda s: "/search/?" + urlencode({"skills": s["text"]}),
    "tag": lambda s: "/search/?" + urlencode({"q": s["text"]}),
    "category": lambda s: None,
    "project": lambda s: f"/projects/{s['id']}/",
    "freelancer": lambda s: f"/people/{s['id']}/",
}


def autocomplete(request):
    """The suggestion list under the search box; HTMX swaps it in as the user types."""
    q = (request.GET.get("q") or "").strip()[: search_params.MAX_QUERY_LENGTH]
    suggestions = service.autocomplete(q, limit=6) if q else []
    slugs = {}
    if any(s["type"] == "category" for s in suggestions):
        slugs = dict(selectors.category_list().filter(
            pk__in=[s["id"] for s in suggestions if s["type"] == "category"]).values_list("pk", "slug"))
    for suggestion in suggestions:
        link = SUGGESTION_LINKS[suggestion["type"]](suggestion)
        suggestion["url"] = link or f"/categories/{slugs.get(suggestion['id'], '')}/"
    return render(request, "search/_suggestions.html", {"q": q, "suggestions": suggestions})


# Saved searches --------------------------------------------------------------------------------------------------


@login_required
def saved_searches(request):
    saved_module = _saved_searches()
    AlertFrequency, SavedSearch = saved_module.AlertFrequency, saved_module.SavedSearch
    if request.method == "POST":
        query = dict(request.POST.items())
        params = _parse_qs(query.get("query_string", ""))
        try:
            saved_module.saved_search_create(user=request.user, name=query.get("name", ""), query=params,
                                alert_frequency=query.get("alert_frequency") or AlertFrequency.DAILY)
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(_errors(exc)))
            return redirect("/search/?" + query.get("query_string", ""))
        messages.success(request, "Search saved. New matches will reach you as you chose.")
        return redirect("search:saved")
    rows = SavedSearch.objects.filter(user=request.user).order_by("-created_at", "-id")
    return render(request, "search/saved.html", {"saved_searches": rows, "frequencies": AlertFrequency.choices})


def _saved_searches():
    """Saved searches belong to the engagement app, which the marketplace does not import: the module is looked
    up at call time, and the pages answer 404 on an installation without that app."""
    if not apps.is_installed("engagement"):
        raise Http404
    return import_module("engagement.saved_searches")


def _parse_qs(text: str) -> dict:
    from django.http import QueryDict

    parsed = QueryDict(text or "")
    return {key: ",".join(parsed.getlist(key)) for key in parsed if key != "page"}


@login_required
@require_POST
def saved_search_delete(request, pk: int):
    saved_module = _saved_searches()
    saved = get_object_or_404(saved_module.SavedSearch, pk=pk, user=request.user)
    saved_module.saved_search_delete(saved_search=saved)
    messages.success(request, f"Deleted “{saved.name}”.")
    return redirect("search:saved")


# Fragments for other pages ---------------------------------------------------------------------------------------


@login_required
def recommended_fragment(request):
    """Load with `<div hx-get="/search/recommended/" hx-trigger="load">` on the freelancer dashboard."""
    if not request.user.is_freelancer:
        return HttpResponseForbidden("Recommended projects are for freelancers.")
    matches = recommendations.recommended_projects(freelancer=request.user, limit=5)
    return render(request, "search/_recommended.html", {"matches": matches})


@login_required
def suggested_fragment(request, project_id: int):
    """Load with `<div hx-get="/search/suggested/{id}/" hx-trigger="load">` on the client's project page."""
    visible = (selectors.project_list(viewer=request.user) if selectors.can_view_all_projects(request.user)
               else selectors.project_owned_by(user=request.user))
    project = visible.filter(pk=project_id).first()
    if project is None:
        raise Http404
    matches = recommendations.match_freelancers(project=project, limit=5)
    return render(request, "search/_suggested.html", {"matches": matches, "project": project})
