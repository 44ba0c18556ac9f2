"""A date given as metadata (a posted document's ``date``), read as the dates cleaning reads from files are stored:
ISO 8601, with the time to the minute when one is given and the offset when the value has one."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from qa.cleaning import is_date_line, metadata_date

_WRITTEN = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")  # "August 9, 2024", "9 Aug 2024"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(text: str) -> str | None:
    """``text`` as an ISO date (``2024-08-09``, ``2024-08-09T10:15``, ``2024-08-09T10:15+07:00``), or None when
    the whole value is not one date: an impossible day or time, two dates, words around it."""
    text = text.strip()
    if _ISO_DAY.match(text):  # "2024-08-09", "2024-08-09T10:15:00Z", "2024-08-09 10:15"
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        return value.date().isoformat() if len(text) == 10 else value.isoformat(timespec="minutes")
    try:  # RFC 2822, as RSS feeds write it: "Fri, 09 Aug 2024 10:15:00 +0700"
        return email.utils.parsedate_to_datetime(text).isoformat(timespec="minutes")
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in _WRITTEN:
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return metadata_date(text) if is_date_line(text) else None  # "9/8/2024", "ngày 9 tháng 8 năm 2024, 10:15"
