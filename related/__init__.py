"""Related posts: text and tag similarity, stored per post, kept fresh on publish.

Modules: ``conf`` (settings with defaults), ``text`` (tokeniser, stop words, stemmer), ``scoring``
(term vectors and their similarity, pure functions), ``models`` (inverted index and the stored
lists), ``services`` (writes: index, refresh, withdraw, rebuild), ``display`` (the post page's
block), ``signals`` (schedule a refresh after commit).
"""
