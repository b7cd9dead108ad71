"""What readers see of an object's ratings: its summary, each criterion's, and the one way an
average is written ("4.2" stars, "83%" thumbs up)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ratings import conf
from ratings.models import Criterion
from ratings.policy import RatingPolicy


def average_text(average: float | None, *, thumbs: bool = False, places: int | None = None) -> str:
    """An average as written for people: stars with one decimal ("4.2"), thumbs as the share of
    ups in whole percent ("83%"), "" when nobody voted; ``places`` asks for another precision
    (the admin's statistics show two)."""
    if average is None:
        return ""
    if thumbs:
        return f"{average * 100:.{0 if places is None else places}f}%"
    return f"{average:.{1 if places is None else places}f}"


def fill_percent(average: float | None, *, thumbs: bool, max_score: int) -> float:
    """How much of the star row to fill (or the share of thumbs up), 0–100."""
    if average is None:
        return 0.0
    return round(average * 100 if thumbs else average / max_score * 100, 1)


@dataclass
class CriterionSummary:
    criterion: Criterion
    count: int
    total: int
    your_score: int | None
    max_score: int
    thumbs: bool
    field_name: str = "score"

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def average_display(self) -> str:
        return average_text(self.average, thumbs=self.thumbs)

    @property
    def percent(self) -> float:
        return fill_percent(self.average, thumbs=self.thumbs, max_score=self.max_score)

    @property
    def ups(self) -> int:
        return self.total

    @property
    def downs(self) -> int:
        return self.count - self.total

    @property
    def choices(self) -> list[int]:
        return [1, 0] if self.thumbs else list(range(1, self.max_score + 1))

    def as_json(self) -> dict:
        average = self.average
        return {
            "key": self.criterion.key,
            "name": self.criterion.name,
            "count": self.count,
            "average": None if average is None else round(average, 2),
            "your_score": self.your_score,
        }


@dataclass
class RatingSummary:
    """Everything the widget shows for one object and one reader."""

    policy: RatingPolicy
    criteria: list[CriterionSummary] = field(default_factory=list)

    @property
    def target(self):
        return self.policy.target

    @property
    def max_score(self) -> int:
        return conf.max_score()

    @property
    def thumbs(self) -> bool:
        return self.policy.is_thumbs

    @property
    def multi(self) -> bool:
        return len(self.criteria) > 1

    @property
    def count(self) -> int:
        """Votes cast: readers who rated, i.e. the largest count among the criteria."""
        return max((c.count for c in self.criteria), default=0)

    @property
    def average(self) -> float | None:
        """The mean of the criteria's averages (the plain average for a single criterion)."""
        averages = [c.average for c in self.criteria if c.average is not None]
        return sum(averages) / len(averages) if averages else None

    @property
    def average_display(self) -> str:
        return average_text(self.average, thumbs=self.thumbs)

    @property
    def percent(self) -> float:
        return fill_percent(self.average, thumbs=self.thumbs, max_score=self.max_score)

    @property
    def your_scores(self) -> dict[str, int]:
        return {c.criterion.key: c.your_score for c in self.criteria if c.your_score is not None}

    @property
    def star_glyphs(self) -> str:
        return "★" * self.max_score

    @property
    def label(self) -> str:
        return self.target._meta.label_lower

    @property
    def noun(self) -> str:
        return self.target._meta.verbose_name

    @property
    def has_voted(self) -> bool:
        return bool(self.your_scores)

    @property
    def your_score(self) -> int | None:
        """The reader's score for a single criterion, or their mean for several."""
        scores = list(self.your_scores.values())
        if not scores:
            return None
        return scores[0] if len(scores) == 1 else round(sum(scores) / len(scores), 2)

    @property
    def can_vote(self) -> bool:
        if self.policy.refusal is not None:
            return False
        return not (self.has_voted and not conf.get("RATINGS_ALLOW_REVOTE"))

    @property
    def notice(self) -> str:
        """Why no stars are offered, in the reader's words ("" when they are)."""
        if self.policy.refusal is not None:
            return self.policy.refusal.message
        if not self.can_vote:
            return "You have already rated this. Thank you!"
        return ""

    def as_json(self) -> dict:
        average = self.average
        return {
            "count": self.count,
            "average": None if average is None else round(average, 2),
            "your_score": self.your_score,
            "max_score": self.max_score,
            "mode": self.policy.mode,
            "criteria": [c.as_json() for c in self.criteria],
        }
