"""How urgent a queued item is: the one place that weighs category severity.

Priority = severity of the gravest predicted category + the model's relevance
(0..1). Severity steps are >= 1 apart, so every attack or detention comes before
any lesser category however confident the model is about the latter; within a
severity step the more probable incident comes first.
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


def priority_of(relevance: float, categories: list[str]) -> float:
    return round(severity_of(categories) + float(relevance), 4)
