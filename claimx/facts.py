"""What an article's metadata says of it, as the corpus views and the quote bank read it:
its date, outlet and URL, which news exports name in many ways (see :data:`DATE_KEYS` and
:data:`OUTLET_KEYS`), and a fingerprint of its text that tells a re-published copy.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .types import ARTICLE_FIELD

#: The article metadata keys that give its date, the first one present wins: ``date``
#: (JSON Lines and CSV exports, and what claimx keeps of a saved page or WARC record),
#: then the names news APIs and crawlers use. A WARC's ``fetched`` (the crawl's date) is
#: not the article's date and is not looked at.
DATE_KEYS = ("date", "published", "published_at", "publish_date", "pubdate", "date_publish")
#: The article metadata keys that name its outlet, the first one present wins; failing
#: all of them, the host of its ``url`` (without ``www.``).
OUTLET_KEYS = (
    "outlet",
    "publisher",
    "source_domain",
    "sitename",
    "site_name",
    "source_name",
    "domain",
)
# An ISO 8601 date or its prefix (a year, a month), as far as it goes; nothing else is a
# date here, since ``March 5`` and ``05/03`` do not compare as text.
_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def is_iso_date(value: str) -> bool:
    """Whether ``value`` is an ISO date or a prefix of one (``2016``, ``2016-03``) that
    names a real month and day (not ``2024-13`` or ``2023-02-29``)."""
    if _ISO.fullmatch(value) is None:
        return False
    year, month, day = [*value.split("-"), "01", "01"][:3]
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def article_date(record: Mapping[str, Any]) -> str | None:
    """The date of a claim's article, as much of ``YYYY-MM-DD`` as its metadata gives
    (the first of :data:`DATE_KEYS` present); None if it has none in ISO form."""
    article = record.get(ARTICLE_FIELD) or {}
    for key in DATE_KEYS:
        value = article.get(key)
        if isinstance(value, str) and value.strip():
            match = _ISO.match(value.strip())
            return match[0] if match else None
    return None


def article_time(record: Mapping[str, Any]) -> str | None:
    """When a claim's article was published, for ordering reports: its date and, where the
    metadata gives one, its time, in UTC where it gives an offset
    (``2026-03-02T19:40:00+01:00`` is ``2026-03-02T18:40:00Z``); else :func:`article_date`."""
    date = article_date(record)
    article = record.get(ARTICLE_FIELD) or {}
    value = next((article[k] for k in DATE_KEYS if isinstance(article.get(k), str)), None)
    if date is None or len(date) < 10 or value is None or len(value.strip()) <= 10:
        return date
    text = value.strip()
    try:
        moment = datetime.datetime.fromisoformat(
            text[:-1] + "+00:00" if text.endswith("Z") else text
        )
    except ValueError:
        return date
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def article_month(record: Mapping[str, Any]) -> str | None:
    """``YYYY-MM`` of a claim's article; None if its date does not say the month."""
    date = article_date(record)
    return date[:7] if date is not None and len(date) >= 7 else None


def article_outlet(record: Mapping[str, Any]) -> str | None:
    """The outlet of a claim's article: the first of :data:`OUTLET_KEYS` present, else the
    host of its ``url``; None if neither."""
    article = record.get(ARTICLE_FIELD) or {}
    for key in OUTLET_KEYS:
        value = article.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    url = article.get("url")
    if isinstance(url, str):
        host = urlsplit(url.strip()).hostname
        if host:
            return host.removeprefix("www.")
    return None


def article_url(record: Mapping[str, Any]) -> str | None:
    """The URL a claim's article was published at, as its metadata gives it (``url``),
    without a fragment and trailing slashes: what tells two copies of one page apart from
    two pages; None if it gives none."""
    article = record.get(ARTICLE_FIELD) or {}
    url = article.get("url")
    if not isinstance(url, str) or not url.strip():
        return None
    return url.strip().split("#", 1)[0].rstrip("/") or None


def fingerprint(text: str) -> str:
    """A digest of ``text`` up to whitespace: the same story in two feeds, one with other
    line breaks or doubled spaces, has one fingerprint."""
    return hashlib.blake2b(
        " ".join(text.split()).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()
