"""Turning a post's title, excerpt and body into weighted term counts."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

WORD = re.compile(r"[^\W\d_][^\W_]*", re.UNICODE)
NOISE = re.compile(r"https?://\S+|<[^>]+>|&[a-z]+;", re.IGNORECASE)

_STOP_WORDS_TEXT = """
    a about above across after again against all almost also although always am among an and
    another any anyone anything are around as at be became because become becomes been before
    being below between both but by can cannot could did do does doing done down during each
    either else enough etc even ever every few for from further get gets getting given gives go
    goes going got had has have having he her here hers herself him himself his how however i if
    in into is it its itself just least less let like made make makes many may me might more most
    much must my myself near need needs neither never new no nor not now of off often on once one
    only onto or other others otherwise our ours ourselves out over own per perhaps put rather
    really said same see seen shall she should since so some something still such than that the
    their theirs them themselves then there therefore these they this those though through thus
    to too toward towards under until up upon us use used uses using very via was we well were
    what whatever when where whether which while who whom whose why will with within without
    would yet you your yours yourself yourselves
    afterwards alone along already amongst anyhow anyway anywhere back beforehand behind beside
    besides beyond due eg eight eleven elsewhere everyone everything everywhere except fifteen
    fifty five former formerly forty four hence hereafter hereby herein hereupon hundred ie
    indeed last latter latterly meanwhile mine moreover mostly namely nevertheless next nine
    nobody none noone nothing nowhere please seem seemed seeming seems several six sixty somehow
    someone sometime sometimes somewhere ten thence thereafter thereby therein thereupon third
    three throughout thru together twelve twenty two whence whenever whereafter whereas whereby
    wherein whereupon wherever whither whoever whole
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


MIN_LENGTH = 3
MAX_LENGTH = 40


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer: folds plurals and -ing/-ed forms, leaves the word readable."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            root = word[: -len(suffix)]
            if len(root) > 3 and root[-1] == root[-2] and root[-1] not in "lsz":
                root = root[:-1]
            elif root.endswith(("at", "iz", "bl", "us", "ut", "uc", "iv", "ag")):
                root += "e"
            return root
    return word


# Everyday words of blog prose: they count in the score (with the little weight their
# frequency gives them) but never explain a suggestion to an editor. Listed as words; kept as the
# stems of their inflected forms too ("changed" and "changing" stem to "chang", not "change").
_FILLER_TEXT = """
    actually add allow almost anyone around away bad begin behind best better big bit bring
    call came change come day different easy end especially everyone example fact far feel
    find fine first follow found give good great happen hard help high important instead keep
    kind know large late later lead leave left less let life likely little live long look lot
    low main mean mind move nearly next note number old open part people place point possible
    pretty real reason right run say set show side simple simply small start stay step sure
    take talk tell thank thing think thrive time today together top true try turn want way week
    whole work world write year major minor fail safer easier harder larger smaller bigger
    faster slower cheaper ahead longer longest higher highest lower lowest later latest
"""
FILLER = frozenset(
    stem(word + ending)
    for word in _FILLER_TEXT.split()
    for ending in ("", "s", "es", "d", "ed", "ing")
)


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed words of the text without stop words, markup or links."""
    text = NOISE.sub(" ", text.lower())
    return [
        stem(word)
        for word in WORD.findall(text)
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and word not in STOP_WORDS
    ]


def field_counts(
    *, title: str, excerpt: str, body: str, weights: dict[str, float]
) -> dict[str, float]:
    """Term counts of the three fields added up with the field boosts (title counts most)."""
    counts: Counter = Counter()
    for field, value in (("title", title), ("excerpt", excerpt), ("body", body)):
        boost = weights[field]
        for term in tokens(value):
            counts[term] += boost
    return dict(counts)
