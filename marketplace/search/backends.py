"""The two search backends behind one interface.

`PostgresBackend` matches the stored, weighted `tsvector` with `websearch_to_tsquery`, ranks with `ts_rank`
combined with recency (projects) or rating (freelancers), falls back to trigram word similarity when the words
match nothing (typos), and answers autocomplete from prefix and trigram indexes. `SimpleBackend` (SQLite, so a
laptop needs nothing) matches every word with a case-insensitive `contains` and ranks title hits first.
Another engine (OpenSearch) would be a third class with the same methods.
"""

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.models import Skill, UserSkill
from megilance.queries import planner_estimate

from ..models import Category, Project, ProjectTag, Tag
from .sql import NEAREST_WORDS, TS_CONFIG

# Counts are exact up to here; above it the planner's estimate stands in (the response says so).
EXACT_COUNT = 1000
# When a query matches more than EXACT_COUNT projects, relevance ranks the newest RANK_WINDOW of them (more when a
# deep page asks). Ranking needs each candidate's vector from the table, so ranking every match of a word found
# in a third of all projects would read hundreds of thousands of rows for one page; the newest matches are read
# in index order and stop early, and the older ones left out are those the recency factor pushes down anyway.
# Queries with fewer matches rank all of them.
RANK_WINDOW = 100

WORD = re.compile(r"-?\"[^\"]+\"|-?[\w][\w.+#-]*", re.UNICODE)


def query_terms(q: str) -> tuple[list[str], list[str]]:
    """Words to find and words to exclude (`-word`), quotes kept together, `or` ignored."""
    wanted, excluded = [], []
    for token in WORD.findall(q or ""):
        negative = token.startswith("-")
        token = token.lstrip("-").strip('"').strip()
        if not token or token.lower() == "or":
            continue
        (excluded if negative else wanted).append(token)
    return wanted[:10], excluded[:10]


def _words(q: str) -> list[str]:
    """The plain words of a query, lower-cased, at most eight (operators and quotes dropped)."""
    return re.findall(r"\w+", q.lower())[:8]


def like_prefix(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


@dataclass
class Counted:
    count: int
    is_estimate: bool = False


class SearchBackend(ABC):
    name = "base"
    supports_typos = False

    @abstractmethod
    def filter_projects(self, qs: QuerySet, q: str) -> QuerySet:
        """The projects of `qs` that match the words of `q`."""

    @abstractmethod
    def rank_projects(self, matches: QuerySet, q: str, window: int | None) -> QuerySet:
        """Best first. `window`: rank only the newest `window` matches (None: all of them)."""

    def typo_projects(self, qs: QuerySet, q: str) -> QuerySet:
        return qs.none()

    @abstractmethod
    def filter_users(self, qs: QuerySet, q: str) -> QuerySet:
        """The freelancer profiles of `qs` that match the words of `q`."""

    @abstractmethod
    def rank_users(self, matches: QuerySet, q: str, window: int) -> QuerySet:
        """Best first. `window`: rank only the newest `window` matches."""

    def typo_users(self, qs: QuerySet, q: str) -> QuerySet:
        return qs.none()

    def count(self, qs: QuerySet) -> Counted:
        """Exact up to EXACT_COUNT + 1 (a larger count says only "more than the limit")."""
        return Counted(qs.order_by().values("pk")[: EXACT_COUNT + 1].count())

    @abstractmethod
    def suggest(self, q: str, limit: int) -> list[dict]:
        """Up to `limit` autocomplete suggestions `{id, type, text}` for the prefix `q`."""


def _suggestion(kind: str, pk, text: str) -> dict:
    return {"id": pk, "type": kind, "text": text}


class SimpleBackend(SearchBackend):
    """Word-by-word `icontains` across the same fields the PostgreSQL vectors hold."""

    name = "simple"

    def count(self, qs):
        # Local databases are small: past the limit, count them all rather than answer a bound.
        capped = super().count(qs)
        return capped if capped.count <= EXACT_COUNT else Counted(qs.order_by().count())

    def _project_term(self, term: str) -> Q:
        skill = Exists(Project.skills.through.objects.filter(project_id=OuterRef("pk"),
                                                             skill__name__icontains=term))
        tag = Exists(ProjectTag.objects.filter(project_id=OuterRef("pk"), tag__name__icontains=term))
        return Q(title__icontains=term) | Q(description__icontains=term) | Q(skill) | Q(tag)

    def filter_projects(self, qs, q):
        wanted, excluded = query_terms(q)
        if not wanted and not excluded:
            return qs.none() if q.strip() else qs
        for term in wanted:
            qs = qs.filter(self._project_term(term))
        for term in excluded:
            qs = qs.exclude(self._project_term(term))
        return qs

    def rank_projects(self, matches, q, window):
        wanted, _ = query_terms(q)
        title_hits = [When(title__icontains=term, then=Value(1)) for term in wanted]
        score = sum((Case(hit, default=Value(0), output_field=IntegerField()) for hit in title_hits), Value(0))
        return matches.annotate(score=ExpressionWrapper(score, output_field=FloatField())).order_by(
            "-score", "-created_at", "-id")

    def _user_term(self, term: str) -> Q:
        skill = Exists(UserSkill.objects.filter(user_id=OuterRef("pk"), skill__name__icontains=term))
        return Q(name__icontains=term) | Q(title__icontains=term) | Q(bio__icontains=term) | Q(skill)

    def filter_users(self, qs, q):
        wanted, excluded = query_terms(q)
        if not wanted and not excluded:
            return qs.none() if q.strip() else qs
        for term in wanted:
            qs = qs.filter(self._user_term(term))
        for term in excluded:
            qs = qs.exclude(self._user_term(term))
        return qs

    def rank_users(self, matches, q, window):
        wanted, _ = query_terms(q)
        hits = [When(Q(name__icontains=t) | Q(title__icontains=t), then=Value(1)) for t in wanted]
        score = sum((Case(hit, default=Value(0), output_field=IntegerField()) for hit in hits), Value(0))
        return matches.annotate(score=ExpressionWrapper(score, output_field=FloatField())).order_by(
            "-score", F("avg_rating").desc(nulls_last=True), "-id")

    def suggest(self, q, limit):
        from ..selectors import PUBLIC_PROJECT

        found = []
        for kind, qs, text in (
            ("skill", Skill.objects.filter(is_active=True), "name"),
            ("tag", Tag.objects.all(), "name"),
            ("category", Category.objects.filter(is_active=True), "name"),
        ):
            rows = qs.filter(**{f"{text}__istartswith": q}).order_by(text).values_list("pk", text)[:limit]
            found.extend(_suggestion(kind, pk, value) for pk, value in rows)
        rows = (Project.objects.filter(PUBLIC_PROJECT, title__istartswith=q).order_by("-created_at")
                .values_list("pk", "title")[:limit])
        found.extend(_suggestion("project", pk, value) for pk, value in rows)
        rows = (_freelancers().filter(name__istartswith=q).order_by("name").values_list("pk", "name")[:limit])
        found.extend(_suggestion("freelancer", pk, value) for pk, value in rows)
        return found


def _freelancers():
    from accounts.models import Role, User

    return User.objects.filter(role=Role.FREELANCER, is_active=True)


PROJECT_RECENCY = RawSQL(
    # 1 for a project posted now, 1/2 after 30 days, 1/4 after 90: fresh work first among equal matches.
    "1.0 / (1.0 + EXTRACT(EPOCH FROM (now() - COALESCE(projects.published_at, projects.created_at)))"
    " / 2592000.0)", [], output_field=FloatField(),
)


class PostgresBackend(SearchBackend):
    name = "postgres"
    supports_typos = True
    # Word similarity (0..1) a name must reach to count as a typo of the query (freelancer names).
    typo_threshold = 0.5
    # Trigram similarity (0..1) a known title word must reach to replace a query term (pg_trgm's default).
    word_threshold = 0.3

    def _query(self, q):
        return SearchQuery(q, search_type="websearch", config=TS_CONFIG)

    def filter_projects(self, qs, q):
        return qs.filter(search_vector=self._query(q))

    def rank_projects(self, matches, q, window):
        rank = SearchRank(F("search_vector"), self._query(q), normalization=Value(32))
        score = ExpressionWrapper(rank * (Value(0.3) + Value(0.7) * PROJECT_RECENCY), output_field=FloatField())
        if window is None:
            return matches.annotate(score=score).order_by("-score", "-id")
        newest = matches.order_by("-created_at", "-id").values("pk")[:window]
        return matches.model.objects.filter(pk__in=newest).annotate(score=score).order_by("-score", "-id")

    def typo_projects(self, qs, q):
        """Each term replaced by the nearest word of a public project title (sql.NEAREST_WORDS), then the
        ordinary search with the corrected words; nothing when no term has a near word or nothing changed."""
        corrected = self.corrected(q)
        if not corrected or corrected == " ".join(_words(q)):
            return qs.none()
        return self.rank_projects(self.filter_projects(qs, corrected), corrected, RANK_WINDOW)

    def corrected(self, q: str) -> str:
        terms = _words(q)
        if not terms:
            return ""
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.similarity_threshold = %s", [self.word_threshold])
            cursor.execute(NEAREST_WORDS, [terms])
            return " ".join(word for _, word in cursor.fetchall())

    def filter_users(self, qs, q):
        return qs.filter(search_vector=self._query(q))

    def rank_users(self, matches, q, window):
        rank = SearchRank(F("search_vector"), self._query(q), normalization=Value(32))
        rating = Coalesce(F("avg_rating"), Value(0.0), output_field=FloatField())
        score = ExpressionWrapper(rank * (Value(1.0) + rating / Value(10.0)), output_field=FloatField())
        return matches.annotate(score=score).order_by("-score", "-id")

    def typo_users(self, qs, q):
        self._set_threshold()
        return (qs.filter(name__trigram_word_similar=q)
                .annotate(score=TrigramWordSimilarity(q, "name")).order_by("-score", "-id"))

    def _set_threshold(self):
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [self.typo_threshold])

    def count(self, qs):
        # The planner's estimate first (planning only, no rows read): a query it expects to match many times
        # the exact limit answers with the estimate and never counts. Otherwise count exactly up to the limit.
        estimate = planner_estimate(qs)
        if estimate > 5 * EXACT_COUNT:
            return Counted(estimate, is_estimate=True)
        capped = super().count(qs)
        if capped.count <= EXACT_COUNT:
            return capped
        return Counted(max(estimate, capped.count), is_estimate=True)

    # Each statement below is a short range scan of a text_pattern_ops index (prefix), or a trigram match on a
    # small vocabulary table (typos in skill and tag names), so a keystroke costs a few milliseconds.
    SUGGEST_SQL = """
        (SELECT id, 'skill' AS type, name AS text, 0 AS grp FROM skills
          WHERE is_active AND lower(name) COLLATE "C" LIKE %(prefix)s
          ORDER BY lower(name) COLLATE "C" LIMIT %(limit)s)
        UNION ALL
        (SELECT id, 'tag', name, 1 FROM tags WHERE lower(name) COLLATE "C" LIKE %(prefix)s
          ORDER BY lower(name) COLLATE "C" LIMIT %(limit)s)
        UNION ALL
        (SELECT id, 'category', name, 2 FROM categories WHERE is_active AND lower(name) LIKE %(prefix)s
          ORDER BY name LIMIT %(limit)s)
        UNION ALL
        (SELECT id, 'project', title, 3 FROM projects
          WHERE lower(title) COLLATE "C" LIKE %(prefix)s
            AND status = 'open' AND visibility = 'public' AND NOT is_hidden
          ORDER BY lower(title) COLLATE "C" LIMIT %(limit)s)
        UNION ALL
        (SELECT id, 'freelancer', name, 4 FROM users
          WHERE lower(name) COLLATE "C" LIKE %(prefix)s AND role = 'freelancer' AND is_active
          ORDER BY lower(name) COLLATE "C" LIMIT %(limit)s)
    """
    TYPO_SQL = """
        (SELECT id, 'skill' AS type, name AS text, similarity(name, %(q)s) AS sim FROM skills
          WHERE is_active AND name %% %(q)s ORDER BY sim DESC LIMIT %(limit)s)
        UNION ALL
        (SELECT id, 'tag', name, similarity(name, %(q)s) AS sim FROM tags
          WHERE name %% %(q)s ORDER BY sim DESC LIMIT %(limit)s)
        ORDER BY sim DESC
    """

    def suggest(self, q, limit):
        params = {"prefix": like_prefix(q), "limit": limit, "q": q}
        with connection.cursor() as cursor:
            cursor.execute(self.SUGGEST_SQL, params)
            rows = cursor.fetchall()
            found = [_suggestion(kind, pk, text) for pk, kind, text, _ in sorted(rows, key=lambda r: r[3])]
            if len(found) < limit and len(q) >= 3:
                cursor.execute(self.TYPO_SQL, params)
                seen = {(s["type"], s["id"]) for s in found}
                found.extend(_suggestion(kind, pk, text) for pk, kind, text, _ in cursor.fetchall()
                             if (kind, pk) not in seen)
        return found


def get_backend() -> SearchBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SimpleBackend()
