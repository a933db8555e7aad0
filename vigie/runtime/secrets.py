"""Outside development, Vigie refuses to start with the development keys: pseudonyms made
with a published key can be reversed by anyone holding a NIR, and payloads encrypted with
it are readable by anyone."""

from __future__ import annotations

from vigie.services.errors import InvalidInputError
from vigie.settings import DEV_PAYLOAD_KEY, DEV_PSEUDONYM_KEY, Settings

MIN_SECRET_LENGTH = 16


def check_secrets(settings: Settings) -> None:
    """Refuse development keys, or short ones, unless ``VIGIE_ENV`` is ``development``."""
    if settings.env == "development":
        return
    weak = [
        name
        for name, value, dev in (
            ("VIGIE_PSEUDONYM_KEY", settings.pseudonym_key, DEV_PSEUDONYM_KEY),
            ("VIGIE_PAYLOAD_KEY", settings.payload_key, DEV_PAYLOAD_KEY),
        )
        if value == dev or len(value) < MIN_SECRET_LENGTH
    ]
    if weak:
        raise InvalidInputError(
            "VIGIE_ENV",
            settings.env,
            f"{' and '.join(weak)} must be set to secrets of at least {MIN_SECRET_LENGTH} "
            "characters (not the development defaults) outside development",
        )
