"""Understand: how urgent a candidate is for the review queue, the one place that weighs category severity.

Priority = severity of the gravest predicted category + a mix of the model's
relevance (0..1) and its uncertainty (the margin 1 - |2*relevance - 1|, 0..1):
(1 - UNCERTAINTY_WEIGHT) * relevance + UNCERTAINTY_WEIGHT * uncertainty, which stays
below 0.7. Severity steps are >= 1 apart, so every attack or detention comes before
any lesser category however confident the model is about the latter; within a
severity step the more probable incident comes first, and a coin-toss item is lifted
a little so that monitors' decisions teach the model where it is unsure.
"""
from __future__ import annotations

# Threats to a person's body or liberty first, then coercion through the courts and
# the police, then the rest. Codes missing here weigh DEFAULT_SEVERITY.
SEVERITY: dict[str, float] = {
    "A.attack": 3.0,
    "A.detention": 3.0,
    "A.threat": 2.0,
    "C.criminal": 2.0,
    "A.summons": 1.0,
    "A.obstruction": 1.0,
    "B.closure_blocking": 1.0,
    "B.cyberattack": 1.0,
    "C.administrative": 1.0,
}
DEFAULT_SEVERITY = 0.0


def severity_of(categories: list[str]) -> float:
    return max((SEVERITY.get(code, DEFAULT_SEVERITY) for code in categories), default=DEFAULT_SEVERITY)


UNCERTAINTY_WEIGHT = 0.3


def uncertainty_of(relevance: float) -> float:
    """1 when the model is undecided (relevance 0.5), 0 when it is sure either way."""
    return 1.0 - abs(2.0 * float(relevance) - 1.0)


def priority_of(relevance: float, categories: list[str], uncertainty_weight: float = UNCERTAINTY_WEIGHT) -> float:
    mix = (1 - uncertainty_weight) * float(relevance) + uncertainty_weight * uncertainty_of(relevance)
    return round(severity_of(categories) + mix, 4)

