"""The check registry: small pure functions, each with a stable finding code.

A check is `fn(ctx) -> list[Finding]`, registered with `@check(code=..., severity=...,
family=..., title=..., example=...)`. `ctx` (kb.checks.context.CheckContext) holds the
knowledge base, the graph, every claim's trace and support, and the number matches, all
computed once. Checks read nothing else and write nothing.

>>> from kb.checks import CHECKS
>>> CHECKS[0].code
'CIT-UNCITED'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kb.model import Finding
from kb.schema import SEVERITIES, Severity

FAMILIES = ("citations", "numbers", "arithmetic", "consistency", "evidence")
CheckFn = Callable[[Any], list[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its code, default severity, family, title and an example message."""

    code: str
    severity: Severity
    family: str
    title: str
    example: str
    fn: CheckFn


CHECKS: list[CheckSpec] = []
_BY_CODE: dict[str, CheckSpec] = {}


def check(
    *, code: str, severity: str, family: str, title: str, example: str
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under a stable code (severity: a Severity or its word)."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r} for {code}")
    level = Severity(severity)
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r} for {code}")

    def deco(fn: CheckFn) -> CheckFn:
        if code in _BY_CODE:
            raise ValueError(f"check code {code} registered twice")
        spec = CheckSpec(code, level, family, title, example, fn)
        CHECKS.append(spec)
        # families in FAMILIES order, checks of a family in the order they are written
        CHECKS.sort(key=lambda s: FAMILIES.index(s.family))
        _BY_CODE[code] = spec
        return fn

    return deco


def spec(code: str) -> CheckSpec:
    """The registered check of a code (KeyError naming the code when unknown)."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"no check registered with code {code!r}") from None


def emit(
    code: str,
    document: str | None,
    claim: str | None,
    message: str,
    works: Iterable[str] = (),
    refs: Iterable[int] = (),
    evidence: Iterable[tuple[str, Any]] = (),
) -> Finding:
    """A finding of a registered code, with the code's severity."""
    return Finding(
        code=code,
        severity=spec(code).severity,
        document=document,
        claim=claim,
        message=message,
        works=tuple(dict.fromkeys(works)),
        refs=tuple(dict.fromkeys(refs)),
        evidence=tuple(evidence),
    )


def severity_rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITIES.index(severity)


def sort_findings(ctx: Any, findings: Iterable[Finding]) -> list[Finding]:
    """Findings in reading order: document, then claim position, then registry order."""
    order = {s.code: i for i, s in enumerate(CHECKS)}

    def key(f: Finding) -> tuple:
        claim = ctx.by_id.get(f.claim) if f.claim else None
        pos = claim.start if claim is not None else -1
        return (f.document or "", pos, order.get(f.code, 999), f.refs, f.message)

    return sorted(findings, key=key)


def run_context(ctx: Any, codes: Iterable[str] | None = None) -> list[Finding]:
    """Run every registered check (or those named) on a prepared context."""
    wanted = set(codes) if codes is not None else None
    out: list[Finding] = []
    for s in CHECKS:
        if wanted is None or s.code in wanted:
            out.extend(s.fn(ctx))
    return sort_findings(ctx, out)


def finding_codes_table() -> str:
    """The README's table of finding codes (code, severity, meaning, example), from CHECKS."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| code | severity | meaning | example |", "| --- | --- | --- | --- |"]
    lines += [
        f"| `{s.code}` | {s.severity} | {cell(s.title)} | {cell(s.example)} |" for s in CHECKS
    ]
    return "\n".join(lines)


# Importing the families registers their checks (ordered by FAMILIES, not by import).
for _family in FAMILIES:
    importlib.import_module(f"kb.checks.{_family}")
