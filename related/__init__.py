"""Related posts: text and tag similarity, stored per post, kept fresh on publish.

Modules by job: ``conf`` (settings with defaults), ``text`` (tokeniser, stop words, stemmer),
``scoring`` (vectors, look-up terms, similarity: pure functions), ``models`` (inverted index, term
statistics, stored lists, editors' pins), ``index`` (text → a post's index entry), ``candidates``
(the one candidate rule), ``lists`` (the one list rule, and how a stored list absorbs a change),
``services`` (after one post changes), ``rebuild`` (everything, in bulk), ``signals`` (collect a
transaction's changes, refresh after commit), ``display`` and ``templatetags`` (the post page's
block), ``admin`` (the post admin's inlines).
"""
