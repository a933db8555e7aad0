"""Client-side services shared by the CLI and the API: they talk to Temporal and read Postgres."""
