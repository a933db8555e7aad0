"""Runtime services: the embedded Postgres and Temporal servers, and the database engine."""
