"""The dashboard ("Pilotage"): filters by period (year), region and profession kept in the
URL, every table exportable as CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from models.local_time import PARIS
from vigie.services.case_lists import filter_values
from vigie.web.dashboard import dashboard_context
from vigie.web.i18n import translations
from vigie.web.render import PageError, engine_of, language, render, signed_in
from vigie.web.tables import table_csv

router = APIRouter(include_in_schema=False)


def _context(
    request: Request, year: int | None, region: str, profession: str, harm_by: str
) -> dict[str, Any]:
    this_year = datetime.now(UTC).astimezone(PARIS).year
    if year is not None and not 2000 <= year <= this_year:
        raise PageError(422, "Choose a year between 2000 and this year.", str(year))
    lang = language(request)
    return dashboard_context(
        engine_of(request),
        year=year,
        region=region,
        profession=profession,
        harm_by=harm_by,
        lang=lang,
        _=translations(lang).gettext,
    )


@router.get("/pilotage")
def dashboard(
    request: Request,
    year: int | None = None,
    region: str = "",
    profession: str = "",
    harm_by: str = "actor_type",
) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    ctx = _context(request, year, region, profession, harm_by)
    professions, regions = filter_values(engine_of(request))
    this_year = datetime.now(UTC).astimezone(PARIS).year
    return render(
        request,
        "dashboard.html",
        user,
        years=list(range(this_year, this_year - 5, -1)),
        professions=professions,
        regions=regions,
        region=region,
        profession=profession,
        **ctx,
    )


@router.get("/pilotage/{table}.csv")
def dashboard_csv(
    request: Request,
    table: str,
    year: int | None = None,
    region: str = "",
    profession: str = "",
    harm_by: str = "actor_type",
) -> Response:
    user = signed_in(request)
    if isinstance(user, RedirectResponse):
        return user
    ctx = _context(request, year, region, profession, harm_by)
    found = next((t for t in ctx["tables"] if t.id == table), None)
    if found is None:
        raise PageError(404, "No such table.", table)
    body = table_csv(found, language(request)).encode("utf-8")
    headers = {"Content-Disposition": f'attachment; filename="{table}-{ctx["year"]}.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
