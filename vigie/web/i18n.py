"""French first: messages are written in English in the code and templates and translated
by the French catalog (``locale/fr/LC_MESSAGES/messages.po``, compiled in memory at start);
English is selectable (cookie ``lang``). Amounts and dates are formatted by Babel
(``12 345,67 €``, ``14 avril 2026``)."""

from __future__ import annotations

import gettext
import io
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations

from models.local_time import PARIS

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
DEFAULT = "fr"
NONE = "\u2013"  # an en dash where there is no value
CATALOGS = Path(__file__).with_name("locale")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    po = CATALOGS / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=LOCALES[lang])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def pick(lang: str | None) -> str:
    return lang if lang in LOCALES else DEFAULT


class Formats:
    """The formatting functions the templates use, for one language."""

    def __init__(self, lang: str) -> None:
        self.lang, self.locale = lang, LOCALES[lang]

    def money(self, amount: Decimal | None) -> str:
        if amount is None:
            return NONE
        return format_currency(amount, "EUR", locale=self.locale)

    def number(self, value: Decimal | int | None) -> str:
        return NONE if value is None else format_decimal(value, locale=self.locale)

    def score(self, value: float | None) -> str:
        return NONE if value is None else format_decimal(value, "0.00", locale=self.locale)

    def percent(self, ratio: Decimal | None) -> str:
        if ratio is None:
            return NONE
        return format_percent(ratio, format="#,##0.0\u00a0%", locale=self.locale)

    def day(self, value: date | datetime | None) -> str:
        if value is None:
            return NONE
        if isinstance(value, datetime):
            value = value.astimezone(PARIS).date()
        return format_date(value, format="long", locale=self.locale)

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return NONE
        return format_datetime(value, "d MMM y HH:mm", tzinfo=PARIS, locale=self.locale)
