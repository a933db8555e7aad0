"""Who may call which route: one table, read at every request (a route missing from it is
refused to everyone) and walked by a test (a route added without roles fails CI).

Roles come from the user registry, never from the request:

- investigator: reads and acts on the cases assigned to them (and reads the unassigned
  ones, the triage queue);
- supervisor: everything an investigator may, on every case; assigns and reassigns;
- manager: reads every case, the indicators; acts like a supervisor;
- auditor: reads everything, the access log included; writes nothing;
- admin: users.
"""

from __future__ import annotations

INVESTIGATOR, SUPERVISOR, MANAGER, AUDITOR, ADMIN = (
    "investigator",
    "supervisor",
    "manager",
    "auditor",
    "admin",
)
EVERYONE = frozenset({INVESTIGATOR, SUPERVISOR, MANAGER, AUDITOR, ADMIN})
CASE_READERS = frozenset({INVESTIGATOR, SUPERVISOR, MANAGER, AUDITOR})
CASE_WRITERS = frozenset({INVESTIGATOR, SUPERVISOR, MANAGER})
#: roles that act on any case (an investigator only on the cases assigned to them)
ANY_CASE = frozenset({SUPERVISOR, MANAGER})
#: roles that read any case (an investigator: their own and the unassigned)
READ_ANY_CASE = frozenset({SUPERVISOR, MANAGER, AUDITOR})

#: routes anyone may call, signed in or not
PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/auth/token"),
        ("GET", "/api/health"),
    }
)

ROUTE_ROLES: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/api/auth/logout"): EVERYONE,
    ("GET", "/api/me"): EVERYONE,
    ("GET", "/api/cases"): CASE_READERS,
    ("GET", "/api/cases/{case_id}"): CASE_READERS,
    ("GET", "/api/cases/{case_id}/timeline"): CASE_READERS,
    ("POST", "/api/cases/{case_id}/actions"): CASE_WRITERS,
    ("GET", "/api/tasks"): CASE_READERS,
    ("GET", "/api/indicators"): frozenset({SUPERVISOR, MANAGER, AUDITOR}),
    ("GET", "/api/access-log"): frozenset({AUDITOR}),
}

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def routes_without_roles(openapi_paths: dict[str, dict[str, object]]) -> set[tuple[str, str]]:
    """Routes of the OpenAPI schema that neither the table nor the public set names."""
    routes = {(m.upper(), path) for path, ops in openapi_paths.items() for m in ops}
    return routes - set(ROUTE_ROLES) - PUBLIC


#: the pages (cookie session): same roles, same rule (a page missing here is refused)
WEB_PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {("GET", "/login"), ("POST", "/login"), ("POST", "/lang")}
)
WEB_ROUTE_ROLES: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/dossiers"): CASE_READERS,
    ("POST", "/dossiers/suivant"): frozenset({INVESTIGATOR}),
    ("GET", "/dossiers/{case_id}"): CASE_READERS,
    ("GET", "/dossiers/{case_id}/courriers/{letter_id}.pdf"): CASE_READERS,
    ("POST", "/dossiers/{case_id}/actions/{action}"): CASE_WRITERS,
    ("GET", "/equipe"): frozenset({SUPERVISOR, MANAGER, AUDITOR}),
    ("POST", "/equipe/reaffecter"): frozenset({SUPERVISOR, MANAGER}),
    ("GET", "/pilotage"): frozenset({SUPERVISOR, MANAGER, AUDITOR}),
    ("GET", "/pilotage/{table}.csv"): frozenset({SUPERVISOR, MANAGER, AUDITOR}),
}
