"""Running the claims format rules (`detection.claims_checks`) on a DuckDB relation.

One aggregate pass counts every rule's offenders; only a rule that fails is queried again,
for its first lines. The errors come in the order the rules are listed (then by line), at
most ``limit`` of them, with the total count of offending values — as the pandas validator
did before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from detection.claims_checks import (
    SPACE,
    Rule,
    consistency_rules,
    kind,
    maybe_spaced,
    quote,
    raw_expr,
    rules_for,
    t,
    text_expr,
)
from detection.schema import ClaimError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    errors: list[ClaimError]
    total: int
    rows: int
    #: text columns holding values with surrounding whitespace (the typed view strips those)
    spaced: frozenset[str]


def spaced_columns(
    con: duckdb.DuckDBPyConnection, relation: str, names: list[str]
) -> frozenset[str]:
    """Of ``names``, the text columns holding a value that starts or ends with whitespace:
    only those are stripped (by the rules and in the typed view)."""
    if not names:
        return frozenset()
    pattern = f"'^{SPACE}|{SPACE}$'"
    counts = [f"count_if(regexp_matches(CAST({quote(n)} AS VARCHAR), {pattern}))" for n in names]
    row = con.execute(f"SELECT {', '.join(counts)} FROM {relation}").fetchall()[0]
    return frozenset(n for n, count in zip(names, row, strict=True) if count)


def _texts_sql(relation: str, types: dict[str, str], spaced: frozenset[str]) -> str:
    cols = ["_row", *(quote(n) for n in types)]
    cols += [f"{text_expr(n, ty, spaced)} AS {t(n)}" for n, ty in types.items()]
    cols += [f"{raw_expr(n, ty)} AS {quote('r:' + n)}" for n, ty in types.items()]
    return f"SELECT {', '.join(cols)} FROM {relation}"


def _count(
    con: duckdb.DuckDBPyConnection,
    texts: str,
    rules: list[Rule],
    suspects: list[str],
) -> tuple[int, list[int], list[str]]:
    """Rows, offenders of each rule, and which of the ``suspects`` columns may hold values
    with surrounding whitespace (`maybe_spaced`), in one pass."""
    counts = [f"count_if({r.bad})" for r in rules]
    counts += [f"count_if({maybe_spaced(n)})" for n in suspects]
    row = con.execute(f"SELECT count(*), {', '.join(counts)} FROM {texts} AS x").fetchall()[0]
    found = [int(v or 0) for v in row[1:]]  # count_if of no rows is NULL
    cut = len(found) - len(suspects)
    maybe = [n for n, v in zip(suspects, found[cut:], strict=True) if v]
    return int(row[0]), found[:cut], maybe


def _collect(
    con: duckdb.DuckDBPyConnection,
    texts: str,
    rule: Rule,
    first_line: int,
    room: int,
) -> list[ClaimError]:
    """The first ``room`` offenders of a rule, in line order."""
    found = con.execute(
        f"SELECT _row, {rule.shown} FROM {texts} AS x WHERE {rule.bad} ORDER BY _row LIMIT {room}"
    ).fetchall()
    return [ClaimError(int(r) + first_line, rule.field, rule.reason, _shown(v)) for r, v in found]


def check(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    types: dict[str, str],
    first_line: int = 2,
    limit: int = 1000,
) -> Outcome:
    """Every format error of the rows of ``relation`` (whose columns and stored types are
    ``types``, plus ``_row``). The header is checked beforehand (see detection.schema)."""
    rules, tail = rules_for(types), consistency_rules(types)
    textual = [n for n, ty in types.items() if kind(ty) == "text"]
    # one pass in the common case: every text read as it is, while looking for whitespace
    # around values; a column that may have some is checked exactly, and if it has, the
    # rules count again with that column stripped
    texts = f"({_texts_sql(relation, types, frozenset())})"
    rows, offenders, maybe = _count(con, texts, [*rules, *tail], textual)
    spaced = spaced_columns(con, relation, maybe)
    if spaced:
        texts = f"({_texts_sql(relation, types, spaced)})"
        rows, offenders, _ = _count(con, texts, [*rules, *tail], [])
    errors: list[ClaimError] = []
    total = 0
    for rule, n_bad in zip(rules, offenders, strict=False):
        total += n_bad
        if n_bad and len(errors) < limit:
            errors += _collect(con, texts, rule, first_line, limit - len(errors))
    # the stored ids group faster than their stripped text, and mean the same when no id
    # has surrounding whitespace or is missing
    clean = kind(types["claim_id"]) == "text" and "claim_id" not in spaced and not offenders[0]
    key = quote("claim_id") if clean else t("claim_id")
    total += _duplicates(con, texts, key, first_line, limit, errors)
    for rule, n_bad in zip(tail, offenders[len(rules) :], strict=True):
        total += n_bad
        if n_bad and len(errors) < limit:
            errors += _collect(con, texts, rule, first_line, limit - len(errors))
    if total > len(errors):
        logger.info("claims validation: %d errors, %d reported", total, len(errors))
    return Outcome(errors, total, rows, spaced)


def _duplicates(
    con: duckdb.DuckDBPyConnection,
    texts: str,
    ident: str,
    first_line: int,
    limit: int,
    errors: list[ClaimError],
) -> int:
    """Repeated claim ids (each repeat names the line of the first occurrence)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dup_ids AS SELECT {ident} AS id, min(_row) AS first, "
        f"count(*) - 1 AS repeats FROM {texts} AS x GROUP BY {ident} HAVING count(*) > 1"
    )
    try:
        row = con.execute("SELECT coalesce(sum(repeats), 0) FROM _dup_ids").fetchall()[0]
        total = int(row[0]) if row else 0
        room = limit - len(errors)
        if total and room > 0:
            found = con.execute(
                f"SELECT x._row, d.first, d.id FROM {texts} AS x JOIN _dup_ids d "
                f"ON x.{ident} = d.id WHERE x._row > d.first ORDER BY x._row LIMIT {room}"
            ).fetchall()
            errors.extend(
                ClaimError(
                    int(r) + first_line,
                    "claim_id",
                    f"duplicated claim_id, first seen at line {int(first) + first_line}",
                    str(ident_value),
                )
                for r, first, ident_value in found
            )
    finally:
        con.execute("DROP TABLE IF EXISTS _dup_ids")
    return total


def _shown(value: object) -> str:
    return "" if value is None else str(value)[:60]
