"""The query language, parsed into plain records: words, "phrases", -exclusions, OR, prefix*, filters.

Parsing never fails: text that breaks the syntax (an unbalanced quote, a lone
operator) is read as plain words, and the result says why. Whoosh is not used
here; `search.py` turns a `ParsedQuery` into engine queries per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

# Longest query accepted, in characters (the API refuses longer ones).
MAX_QUERY_LENGTH = 500
FILTER_FIELDS = ("lang", "source", "published")

_PIECE = re.compile(r'-?(?:[A-Za-z]+:)?"[^"]*"|\S+')
_DATE = r"\d{4}(?:-\d{2}){0,2}"
_DATE_RANGE = re.compile(rf"^(?P<start>{_DATE})?\.\.(?P<end>{_DATE})?$|^(?P<day>{_DATE})$")


@dataclass(frozen=True)
class Unit:
    """One searchable piece: `kind` is "words" (text to analyze), "phrase" or "prefix"; `weight` scales what
    its words score (a correction searched beside the word as typed scores less, so exact matches rank first)."""

    kind: str
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; a document matches the clause if it matches any of them."""

    alternatives: tuple[Unit, ...]


@dataclass
class ParsedQuery:
    """A parsed query: required clauses, excluded ones, filters, and how the text was read."""

    clauses: list[Clause] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    lang: str | None = None
    source: str | None = None
    published: tuple[str | None, str | None] | None = None
    syntax: str = "query"  # or "plain words" when the text broke the syntax
    notice: str | None = None

    @property
    def text(self) -> str:
        """The words of the query (no operators or filters), for language detection."""
        return " ".join(unit.text for clause in self.clauses for unit in clause.alternatives)


class QuerySyntaxError(ValueError):
    """Raised inside the parser; the caller falls back to plain words."""


def parse_query(text: str) -> ParsedQuery:
    """Parse query text; broken syntax falls back to plain words with a notice saying why."""
    try:
        return _parse(text)
    except QuerySyntaxError as error:
        words = [Clause((Unit("words", piece),)) for piece in text.replace('"', " ").split()]
        return ParsedQuery(clauses=words, syntax="plain words", notice=f"{error}; searched as plain words")


def _parse(text: str) -> ParsedQuery:
    if text.count('"') % 2:
        raise QuerySyntaxError("unbalanced quotation mark")
    parsed = ParsedQuery()
    pending_or = False
    for piece in _PIECE.findall(text):
        if piece == "OR":
            if pending_or or not parsed.clauses:
                raise QuerySyntaxError("OR needs a word on each side")
            pending_or = True
            continue
        negated = piece.startswith("-") and len(piece) > 1
        body = piece[1:] if negated else piece
        if piece == "-":
            raise QuerySyntaxError("a lone minus sign")
        if _is_filter(body):
            if negated or pending_or:
                raise QuerySyntaxError(f"filter {body!r} cannot be negated or ORed")
            _apply_filter(parsed, body)
            continue
        unit = _unit(body)
        if negated:
            if pending_or:
                raise QuerySyntaxError("OR cannot join an exclusion")
            parsed.excluded.append(Clause((unit,)))
        elif pending_or:
            last = parsed.clauses.pop()
            parsed.clauses.append(Clause(last.alternatives + (unit,)))
            pending_or = False
        else:
            parsed.clauses.append(Clause((unit,)))
    if pending_or:
        raise QuerySyntaxError("OR needs a word on each side")
    return parsed


def _is_filter(body: str) -> bool:
    name, colon, _ = body.partition(":")
    return bool(colon) and name in FILTER_FIELDS


def _apply_filter(parsed: ParsedQuery, body: str) -> None:
    name, _, value = body.partition(":")
    value = value.strip('"').strip()
    if not value:
        raise QuerySyntaxError(f"filter {name}: needs a value")
    if name == "lang":
        parsed.lang = value
    elif name == "source":
        parsed.source = value
    else:
        parsed.published = _date_range(value)


def _date_range(value: str) -> tuple[str | None, str | None]:
    """Read `2024-01-01..2024-12-31`, `2024..`, `..2024-06` or a single `2024-03`: prefixes of ISO dates."""
    match = _DATE_RANGE.match(value)
    if not match:
        raise QuerySyntaxError(f"published:{value} is not a date or a range like 2024-01-01..2024-12-31")
    if match["day"]:
        return _first_day(match["day"]), _last_day(match["day"])
    if not match["start"] and not match["end"]:
        raise QuerySyntaxError("published:.. needs a start or an end date")
    return (_first_day(match["start"]) if match["start"] else None, _last_day(match["end"]) if match["end"] else None)


def _first_day(prefix: str) -> str:
    return _checked_date(prefix + "-01-01"[len(prefix) - 4 :])


def _last_day(prefix: str) -> str:
    if len(prefix) == 10:
        return _checked_date(prefix)
    if len(prefix) == 4:
        return _checked_date(prefix + "-12-31")
    year, month = int(prefix[:4]), int(prefix[5:7])
    following = date(year + month // 12, month % 12 + 1, 1)
    return _checked_date(date.fromordinal(following.toordinal() - 1).isoformat())


def _checked_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as error:
        raise QuerySyntaxError(f"{text} is not a valid date") from error


def _unit(body: str) -> Unit:
    if body.startswith('"') and body.endswith('"') and len(body) >= 2:
        return Unit("phrase", body[1:-1])
    if body.endswith("*") and len(body.rstrip("*")) >= 1:
        return Unit("prefix", body.rstrip("*"))
    return Unit("words", body)
