"""The partner contribution by legal status: public, automatic public and private.

An Interreg partner's eligible costs are paid by the programme's fund (the ERDF: a funder of kind `eu`) and by
the partner contribution, whichever other sources make it up. The programmes' monitoring system (Jems) reports
that contribution split by the legal status of each of its sources, and the three add up to it:

- **public**: public funds — the partner's own, where it is a public body (a municipal library), or another
  public body's (its municipality);
- **automatic public**: public co-financing that a Member State's own scheme grants to the partners of a
  programme, not from the partner's own budget (the state budget co-financing of Lithuanian and Latvian
  Interreg partners);
- **private**: funds of private bodies (a foundation, sponsors, a private partner's own funds).

A funding agreement may state its source's status (`legal_status`); where it does not, the funder's kind says
it (`DEFAULT_STATUS`). The amounts are the financing engine's, only grouped here: never worked out again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from reporter.domain.model import LEGAL_STATUSES, FundingAgreement, ProjectDefinition
from reporter.domain.money import ZERO

PROGRAMME_KINDS = ("eu",)  # the programme's funds: what they pay is no partner contribution

# A source's legal status where its agreement does not say: the state budget's co-financing comes through the
# national scheme, a municipality's and a public library's own funds are public, the rest private (a source not
# known to be public is not counted as public money).
DEFAULT_STATUS = {"state": "automatic_public", "municipality": "public", "own": "public", "foundation": "private",
                  "sponsor": "private", "other": "private"}


def legal_status(definition: ProjectDefinition, funder: str, agreement: FundingAgreement | None = None) -> str | None:
    """The legal status of what a source pays; None for a programme fund, which is no partner contribution."""
    found = definition.funder(funder)
    kind = found.kind if found else "other"
    if kind in PROGRAMME_KINDS:
        return None
    if agreement is not None and agreement.legal_status is not None:
        return agreement.legal_status
    return DEFAULT_STATUS.get(kind, "private")


def by_legal_status(definition: ProjectDefinition, partner: str, amounts: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """One partner's sources' amounts (the engine's: of a period, through one, or of the budget) as its partner
    contribution per legal status, in `LEGAL_STATUSES` order.

    A source within another's part (`part_of`) counts with its own status and the rest of its parent's part with
    the parent's; a programme fund's part, sources within it included, is no contribution; a named payer without
    an agreement with the partner counts as its funder's kind says.
    """
    split = dict.fromkeys(LEGAL_STATUSES, ZERO)
    agreements = definition.agreements_for(partner)
    for top in (a for a in agreements if a.part_of is None):
        status = legal_status(definition, top.funder, top)
        if status is None:
            continue
        rest = amounts.get(top.funder, ZERO)
        for inner in (a for a in agreements if a.part_of == top.funder):
            part = amounts.get(inner.funder, ZERO)
            split[legal_status(definition, inner.funder, inner) or status] += part
            rest -= part
        split[status] += rest
    known = {a.funder for a in agreements}
    for funder, amount in amounts.items():
        if funder not in known and (status := legal_status(definition, funder)) is not None:
            split[status] += amount
    return split
