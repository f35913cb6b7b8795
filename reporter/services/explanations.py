"""Explanations a funder asks the coordinator for where spending differs from what was foreseen: a budget line's
variance from its budget, or an activity's deviation from its plan for a year."""

from __future__ import annotations

from reporter.domain.errors import Conflict, Problem, ValidationError, problem
from reporter.domain.limits import text_problem
from reporter.domain.model import Explanation
from reporter.store import Store


def explain(store: Store, code: str, period: int, line: str | None, text: str, partner: str | None = None,
            activity: str | None = None) -> Explanation:
    """Keep the explanation of a line's variance (or, with `activity` instead of a line, of an activity's deviation
    from its plan for the period's year) in a period's report (of a partner, or the whole project); empty text
    removes it. A submitted period's explanations are part of what was submitted."""
    definition = store.projects.definition(code)
    if partner is None and len(definition.partners) == 1:  # a one-partner project's report is that partner's
        partner = definition.partners[0].code
    problems: list[Problem] = []
    found = definition.period(period)
    if found is None:
        problems.append(problem("period", "period.unknown", project=code, number=period))
    if (line is None) == (activity is None):
        problems.append(problem("line", "explanation.line_or_activity"))
    elif line is not None and line not in {b.code for b in definition.budget_lines}:
        problems.append(problem("line", "expenditure.unknown_budget_line", code=repr(line), project=code,
                                known=", ".join(b.code for b in definition.budget_lines)))
    elif activity is not None and activity not in {a.code for a in definition.activities}:
        problems.append(problem("activity", "expenditure.unknown_activity", code=repr(activity), project=code,
                                known=", ".join(a.code for a in definition.activities) or "–"))
    if partner is not None and definition.partner(partner) is None:
        problems.append(problem("partner", "partner.unknown", project=code, partner=repr(partner)))
    text = text.strip()
    if (too_long := text_problem(text, "description", "text")) is not None:
        problems.append(too_long)
    if problems:
        raise ValidationError(problems, problem("", "explanation.problems", count=len(problems)))
    if found is not None and found.submitted:
        raise Conflict(problem("period", "period.locked", number=period))
    explanation = Explanation(period, partner, line, text, activity)
    with store.transaction():
        store.explanations.set(store.projects.ids(code), explanation)
    return explanation


def list_explanations(store: Store, code: str, period: int | None = None) -> list[Explanation]:
    return store.explanations.list(store.projects.ids(code).project, period)
