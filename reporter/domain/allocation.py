"""The co-financing split: how an eligible amount divides among the funders.

Rounding is part of the contract. Each funder's part is its share of the base
it pays, rounded its own way (`down` truncates to the cent, as EU programmes do
for the fund share; `half-up` rounds). At most one residual source takes what
is left, so the parts add up to the total to the cent. Without a residual, what
no share covers stays `unallocated` and is reported, never silently dropped.

A source may be `part_of` another: the partner contribution of an Interreg
partner, say, made of an automatic public source and a public source. Such
sources are shares of the same total, shown within their parent; the parent's
amount is what adds up with the other top-level parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from reporter.domain.money import ZERO, round_down, round_half_up


@dataclass(frozen=True, slots=True)
class ShareTerms:
    """One funder's terms for a split: its share of `base` (the part of the total it pays)."""

    funder: str
    share_percent: Decimal
    rounding: str = "half-up"
    residual: bool = False
    base: Decimal | None = None  # None: the whole total
    part_of: str | None = None  # the funder whose amount this source is a part of


@dataclass(frozen=True, slots=True)
class SplitPart:
    funder: str
    base: Decimal
    amount: Decimal
    part_of: str | None = None


@dataclass(frozen=True, slots=True)
class Split:
    total: Decimal
    parts: tuple[SplitPart, ...]
    unallocated: Decimal  # total − top-level parts; zero whenever there is a residual source

    def amount_of(self, funder: str) -> Decimal:
        return next((p.amount for p in self.parts if p.funder == funder), ZERO)


def share_of(base: Decimal, share_percent: Decimal, rounding: str) -> Decimal:
    exact = base * share_percent / 100
    return round_down(exact) if rounding == "down" else round_half_up(exact)


def split(total: Decimal, terms: Sequence[ShareTerms]) -> Split:
    """Split `total`; the residual source (if any) takes `total − sum(others)`."""
    top = _split_level(total, [t for t in terms if t.part_of is None], total)
    parts = list(top)
    for parent in top:
        parts += _split_level(total, [t for t in terms if t.part_of == parent.funder], parent.amount)
    allocated = sum((p.amount for p in top), ZERO)
    return Split(total, tuple(parts), total - allocated)


def _split_level(total: Decimal, terms: Sequence[ShareTerms], whole: Decimal) -> list[SplitPart]:
    """Parts of one level: shares of their base; the residual takes `whole` less the others."""
    residuals = [t for t in terms if t.residual]
    if len(residuals) > 1:
        raise ValueError("at most one residual source per level of a split")
    parts = [
        SplitPart(t.funder, total if t.base is None else t.base,
                  ZERO if t.residual else share_of(total if t.base is None else t.base, t.share_percent, t.rounding),
                  t.part_of)
        for t in terms
    ]
    if residuals:
        others = sum((p.amount for p in parts), ZERO)
        parts = [SplitPart(p.funder, p.base, whole - others, p.part_of) if t.residual else p
                 for p, t in zip(parts, terms)]
    return parts
