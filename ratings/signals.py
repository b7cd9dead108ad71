"""Signals other apps may listen to (ratings itself imports nothing of theirs)."""

from django.dispatch import Signal

# Sent inside the transaction that changed an object's rating figures (a vote cast, a vote changed
# to another score, votes deleted or counts rebuilt), so a listener's own writes commit or roll
# back with it. ``sender``: the rated model; ``object_id``: the object's primary key.
rating_changed = Signal()
