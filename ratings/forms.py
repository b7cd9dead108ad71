from django import forms

from ratings.policy import RatingPolicy


def field_name(policy: RatingPolicy, criterion) -> str:
    """``score`` for a single criterion, ``score-<key>`` for each criterion of a set: the names
    the widget's radio buttons carry and this form reads."""
    return "score" if len(policy.criteria) == 1 else f"score-{criterion.key}"


class VoteForm(forms.Form):
    """One choice per criterion; only the exact strings "1" … "max" (or "0"/"1" for thumbs)
    pass, so "3.5", "1e3", "03" or a 20-digit number never reach the service."""

    def __init__(self, *args, policy: RatingPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        allowed = policy.rating_set.allowed_scores
        for criterion in policy.criteria:
            message = (
                f"{criterion.name}: choose thumbs up or down."
                if policy.is_thumbs
                else f"{criterion.name}: choose a whole number of stars from "
                f"{allowed.start} to {allowed.stop - 1}."
            )
            self.fields[field_name(policy, criterion)] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(str(n), str(n)) for n in allowed],
                coerce=int,
                error_messages={"required": message, "invalid_choice": message},
            )

    def scores(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[field_name(self.policy, c)] for c in self.policy.criteria}

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]
