"""A tiny stand-in for a sentence-embedding model, for the tests of the semantic path: each text
becomes a vector of counts of a few synonym groups, so texts on one theme are close even when
they share no word — what a real model adds over the lexical engine."""

GROUPS = [
    {"car", "cars", "automobile", "vehicle", "vehicles", "sedan"},
    {"doctor", "physician", "clinic", "hospital", "nurse"},
    {"money", "cash", "bank", "finance", "loan"},
    {"garden", "tomatoes", "beans", "flowers", "soil"},
]


class StandInEncoder:
    name = "stand-in"

    def encode(self, texts):
        vectors = []
        for text in texts:
            words = [w.strip(".,:;!?").lower() for w in text.split()]
            vectors.append([float(sum(w in group for w in words)) + 0.01 for group in GROUPS])
        return vectors


def factory():
    return StandInEncoder()


class FailingEncoder:
    """An encoder whose model cannot run (a broken install, out of memory)."""

    name = "failing"

    def encode(self, texts):
        raise RuntimeError("the model cannot run")


def failing():
    return FailingEncoder()
