"""The GDPR registry. Each app registers how to export and erase what it holds about a user; a model with a
foreign key to the user must be registered here or listed in EXCLUDED with the reason."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PrivacyPart:
    name: str
    exporter: Callable  # exporter(user) -> JSON-serialisable list or dict
    eraser: Callable  # eraser(user) -> None: anonymise or delete, keeping what the law requires
    models: tuple[str, ...] = ()  # "app_label.ModelName" covered by this part


_parts: dict[str, PrivacyPart] = {}
# "app_label.ModelName" -> why it is neither exported nor erased
EXCLUDED: dict[str, str] = {
    "admin.LogEntry": "Django admin's own change log of staff actions; covered by audit_logs.",
    "token_blacklist.OutstandingToken": "Opaque token identifiers, deleted with the sessions on erasure.",
}


def register(name: str, exporter: Callable, eraser: Callable, *, models: tuple[str, ...] = ()) -> None:
    _parts[name] = PrivacyPart(name=name, exporter=exporter, eraser=eraser, models=models)


def exclude(model_label: str, reason: str) -> None:
    EXCLUDED[model_label] = reason


def parts() -> list[PrivacyPart]:
    return list(_parts.values())


def covered_models() -> set[str]:
    return {label for part in _parts.values() for label in part.models} | set(EXCLUDED)


def export_user(user) -> dict:
    return {part.name: part.exporter(user) for part in _parts.values()}


def erase_user(user) -> None:
    for part in _parts.values():
        part.eraser(user)
