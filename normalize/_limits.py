"""Every limit of the tool, in one place.

A limit bounds the work one input may cost, so that no document can stall a batch.  Limits are
counted in deterministic units (never seconds): a record must not depend on how loaded the machine
was that made it, so the same input gives the same bytes everywhere.  Each default below says what
it was calibrated against.
"""

from __future__ import annotations

from dataclasses import dataclass

REPAIR_BUDGET = 100_000
"""Default work units of the mojibake search per document (:attr:`Limits.repair_budget`).

How each step of the search is charged: :data:`normalize.encoding._mojibake.UNITS` (one unit is
about one evaluation of the Chinese plausibility model).  100,000 units is about 1 s of search on
the reference machine (2 shared cores, CPython 3.11): on 200 policy documents damaged with every CJK
kind (1 to 3 lines of a document, or 2 % to all of its lines), a unit took 9.3 to 12.7 µs (three
runs, median 10.2 µs; r² = 0.84 to 0.85 between units and CPU seconds per document).  The cost of a
unit varies by kind: about 20 µs for misaligned GB18030, 14 µs for GB18030 read as Big5, 8 µs for
UTF-8 read as GB18030, so the cut comes after 0.8 to 2 s of search.  It cut 13 of those 200
documents (whole pages damaged; none of the 80 with 1 to 3 damaged lines, which spent at most
26,000 units, median 2,300); the tests' cases and the seeds are far below it."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits applied to each document (``normalize.pipeline.Options.limits``)."""

    repair_budget: int | None = REPAIR_BUDGET
    """Work units the mojibake search may spend on one document; ``None``: no limit.  Past it,
    the suspicious lines not yet searched are flagged (``mojibake.unsearched``, not applied) and
    the document gets a warning naming the budget; nothing else changes."""

    def __post_init__(self) -> None:
        if self.repair_budget is not None and self.repair_budget < 0:
            raise ValueError(f"repair_budget must be >= 0 or None, not {self.repair_budget}")


DEFAULT = Limits()
