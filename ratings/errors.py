"""Domain errors of the vote service; the view maps each to its HTTP status."""


class RatingError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidScore(RatingError):
    status = 400


class NotRatable(RatingError):
    """Not an allow-listed model, or the object is missing or not public."""

    status = 404


class VotingClosed(RatingError):
    status = 403


class SignInRequired(RatingError):
    status = 403


class OwnObject(RatingError):
    status = 403


class AlreadyVoted(RatingError):
    status = 409


class RateLimited(RatingError):
    """Over a rate limit; ``retry_after`` is how many seconds until the limit has room again."""

    status = 429

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidBallot(RatingError):
    """An imported ballot naming no valid object, criterion, reader, address hash or date."""

    status = 400
