"""URL converters that refuse impossible dates, so they 404 instead of reaching a view."""


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year < 1:
            raise ValueError("year 0 does not exist")
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
