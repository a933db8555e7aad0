"""The HTTP API: FastAPI, reads from Postgres, writes through the case workflow's updates."""
