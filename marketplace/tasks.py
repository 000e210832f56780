"""Background jobs of the marketplace (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .search.indexing import search_words_rebuild


@shared_task(name="marketplace.rebuild_search_words")
def rebuild_search_words() -> None:
    """Recount the known words of public project titles ("did you mean"); titles add their words as they are
    indexed, this drops words of projects that closed and refreshes the counts."""
    search_words_rebuild()
