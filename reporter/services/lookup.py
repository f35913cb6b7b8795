"""Expenditures by reference, for the lists that name them (a finding's records)."""

from __future__ import annotations

from typing import Iterable

from reporter.domain.model import Expenditure
from reporter.store import Store


def expenditures_by_id(store: Store, code: str, ids: Iterable[str], limit: int = 200) -> list[Expenditure]:
    """The expenditures of these ids, in the order given, at most `limit` of them."""
    project_id = store.projects.ids(code).project
    found = []
    for reference in ids:
        if len(found) >= limit:
            break
        found.append(store.expenditures.get(project_id, reference))
    return found
