"""URL converters that refuse impossible dates, so they 404 instead of reaching a view."""

import datetime


class YearConverter:
    """Years 0002 to 9998. Year 0 does not exist; the first and last years of the calendar have
    no archive, as in a time zone east (or west) of UTC their first (or last) day starts before
    (or ends after) the dates Python can hold once converted to UTC for the query."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not datetime.MINYEAR < year < datetime.MAXYEAR:
            raise ValueError("no archive for year 0 or the calendar's first and last years")
        return year

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError("months run from 01 to 12")
        return month

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


class UnicodeSlugConverter:
    regex = r"[-\w]{1,200}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
