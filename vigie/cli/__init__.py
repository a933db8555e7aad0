"""The `vigie` command line.

It lives in ``vigie/cli`` rather than in ``worker.py`` or ``api/`` because it is a client of
every layer (it starts services, opens cases through Temporal, reads Postgres, runs detection
on files) and belongs to none of them.
"""
