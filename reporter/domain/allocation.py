"""The records of a split, and the one rounding rule of a share.

Rounding is part of the contract. Each funder's part is its share of the base
it pays, rounded its own way (`down` truncates to the cent, as EU programmes do
for the fund share; `half-up` rounds). The financing engine
(`reporter.domain.financing`) decides every amount; this module holds what it
is made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reporter.domain.money import ZERO, round_down, round_half_up


@dataclass(frozen=True, slots=True)
class SplitPart:
    funder: str
    base: Decimal  # the part of the costs this funder covers
    amount: Decimal  # what it pays of them
    part_of: str | None = None  # the funder whose amount this source is a part of


@dataclass(frozen=True, slots=True)
class Split:
    total: Decimal
    parts: tuple[SplitPart, ...]
    unallocated: Decimal  # total − top-level parts; zero whenever a residual source takes the rest

    def amount_of(self, funder: str) -> Decimal:
        return next((p.amount for p in self.parts if p.funder == funder), ZERO)

    def base_of(self, funder: str) -> Decimal:
        return next((p.base for p in self.parts if p.funder == funder), ZERO)


def share_of(base: Decimal, share_percent: Decimal, rounding: str) -> Decimal:
    exact = base * share_percent / 100
    return round_down(exact) if rounding == "down" else round_half_up(exact)
