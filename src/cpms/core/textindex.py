"""Plone's text index (ZCTextIndex), made to merge concurrent writes.

For each word, the index keeps the documents it occurs in (its postings) as
the value of one BTree keyed by word id, ``_wordinfo``: a plain dict while a
word has up to ten documents, an ``IIBTree`` after. Indexing a document
stored its postings again under every one of its words, so two transactions
indexing documents at the same moment both changed the same buckets of
``_wordinfo``. ZODB merges two changes of one bucket (BTrees conflict
resolution) only where it can compare the bucket's values, and Python 3
cannot order dicts: one rare word's dict in a bucket made every concurrent
change of that bucket a ``ConflictError``. Most buckets hold some rare word,
so most concurrent writes of text (two contributions, two enrolments)
conflicted there.

Here a word's postings are an ``IIBTree`` from its first document on (a
persistent object: the bucket holds a reference to it, which ZODB compares
by its id), dicts are turned into one when next written, and postings that
already are a tree are changed in place, without storing them again: indexing
a document writes ``_wordinfo`` only for words new to the index. The
functions replace ``BaseIndex``'s own (concurrency.zcml); ``convert_postings``
turns the dicts of an existing index into trees at once.
"""

from BTrees.IIBTree import IIBTree


def _postings(doc2score):
    """The postings as a tree, and whether ``_wordinfo`` must store it."""
    if doc2score is None:
        return IIBTree(), True
    if isinstance(doc2score, dict):
        return IIBTree(doc2score), True
    return doc2score, False


def add_wordinfo(self, wid, f, docid):
    """``BaseIndex._add_wordinfo``: ``docid`` has word ``wid`` with score ``f``."""
    doc2score = self._wordinfo.get(wid)
    if doc2score is None:
        self.length.change(1)
    doc2score, store = _postings(doc2score)
    doc2score[docid] = f
    if store:
        self._wordinfo[wid] = doc2score


def mass_add_wordinfo(self, wid2weight, docid):
    """``BaseIndex._mass_add_wordinfo``: ``_add_wordinfo`` for many words."""
    get = self._wordinfo.get
    new_words = 0
    for wid, weight in wid2weight.items():
        doc2score = get(wid)
        if doc2score is None:
            new_words += 1
        doc2score, store = _postings(doc2score)
        doc2score[docid] = weight
        if store:
            self._wordinfo[wid] = doc2score
    if new_words:
        self.length.change(new_words)


def del_wordinfo(self, wid, docid):
    """``BaseIndex._del_wordinfo``: ``docid`` no longer has word ``wid``."""
    doc2score, store = _postings(self._wordinfo[wid])
    del doc2score[docid]
    if not doc2score:
        del self._wordinfo[wid]
        self.length.change(-1)
    elif store:
        self._wordinfo[wid] = doc2score


def convert_postings(catalog) -> int:
    """Turn the dict postings of every text index of ``catalog`` into trees.

    For a catalog indexed before ``add_wordinfo`` was in place (an upgrade
    step runs it); returns how many were turned.
    """
    converted = 0
    for index in catalog.getIndexObjects():
        okapi = getattr(index, "index", None)
        wordinfo = getattr(okapi, "_wordinfo", None)
        if wordinfo is None:
            continue
        for wid, doc2score in list(wordinfo.items()):
            if isinstance(doc2score, dict):
                wordinfo[wid] = IIBTree(doc2score)
                converted += 1
    return converted
