"""Whoosh's W3 codec with posting blocks whose passages and weights are read apart from their positions, and
stored fields kept without zlib.

A W3 block is one pickle of three tuples: passage numbers (delta-coded), weights and each posting's
positions and spans, so reading a block's passages makes a Python object of every number and every
position string, though top-k scoring only asks for passages and weights (cProfile: unpickling blocks
was a quarter of a prefix search at 100k passages). Here the passages and weights are arrays' bytes, read
back by `array.frombytes`, and the positions a pickle of their own inside the block, unpickled when a
phrase, proximity or a highlight asks for them. The block's framing, header and compression are W3's own;
a segment written so names this codec, and segments written by W3 are read as before.

PassageCodec, the codec Setu writes, also keeps two things as plain bytes that W3 packs otherwise:
- stored fields: a page reads about fifty stored passages (its hits and their translations); W3
  deflates each one, which costs three times its unpickling (7 µs against 2.5 µs a passage) to save a
  third of its bytes;
- a block's values (each posting's positions and spans): one byte string and its offsets, sliced for
  the postings asked about (a phrase's candidates, a page's hits), instead of a pickled tuple of 128
  byte strings made whole for each block read. Only that string is deflated, not the block: top-k
  scoring reads passages and weights alone, and inflating whole blocks was a tenth of a search at
  100k passages (py-spy), for an index about a tenth larger.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from whoosh import columns
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    LENGTHS_COLUMN,
    W3Codec,
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    W3TermsReader,
    _lenfield,
)
from whoosh.matching import ReadTooFar
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

# W3's name for the column of stored fields, and the column Setu's segments keep them in: pickles, not deflated.
STORED = "_stored"
STORED_PICKLES = columns.PickleColumn(columns.VarBytesColumn())

# A passage's field length by the byte W3 stores for it.
LENGTH_OF_BYTE = tuple(byte_to_length(code) for code in range(256))

# The term entries one search has looked up, by (terms reader, field, term): None outside a search.
_LOOKED_UP: ContextVar[dict | None] = ContextVar("looked_up_terms", default=None)


@contextmanager
def one_search() -> Iterator[None]:
    """Within, each segment's term entries are looked up once: one search asks about a term five times or so
    (is it there, its document frequency for the scorer, its postings to rank, to re-score, to highlight),
    and each ask is a probe of Whoosh's on-disk hash table (এক*'s 53 completions: 770 probes, a tenth of it)."""
    token = _LOOKED_UP.set({})
    try:
        yield
    finally:
        _LOOKED_UP.reset(token)


class RememberingTermsReader(W3TermsReader):
    """W3's terms reader, each term's entry read once per search (one_search); as W3's outside one."""

    def _entry(self, fieldname: str, tbytes: bytes):
        """The term's entry, None when the segment has no such term."""
        looked_up = _LOOKED_UP.get()
        key = (self, fieldname, tbytes)
        if looked_up is not None and key in looked_up:
            return looked_up[key]
        try:
            entry = super().term_info(fieldname, tbytes)
        except TermNotFound:
            entry = None
        if looked_up is not None:
            looked_up[key] = entry
        return entry

    def __contains__(self, term) -> bool:
        return self._entry(*term) is not None

    def term_info(self, fieldname, tbytes):
        entry = self._entry(fieldname, tbytes)
        if entry is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return entry

    def frequency(self, fieldname, tbytes):
        return self._known(fieldname, tbytes).weight()

    def doc_frequency(self, fieldname, tbytes):
        return self._known(fieldname, tbytes).doc_frequency()

    def _known(self, fieldname: str, tbytes: bytes):
        """The term's entry; a KeyError, as W3 raises for its counts (which the segment's reader makes 0)."""
        entry = self._entry(fieldname, tbytes)
        if entry is None:
            raise KeyError((fieldname, tbytes))
        return entry


class PassageBlocksWriter(W3PostingsWriter):
    """W3's postings writer, each block's passages and weights kept as array bytes, its values pickled apart."""

    def _mini_ids(self) -> bytes:
        return self._ids.tobytes()

    def _mini_weights(self) -> bytes | float | None:
        weights = self._weights
        if weights.count(weights[0]) == len(weights):  # all alike (as W3: None for all 1.0)
            return None if weights[0] == 1.0 else weights[0]
        return weights.tobytes()

    def _mini_values(self) -> bytes:
        return pickle.dumps(super()._mini_values(), 2)


class SlicedValuesWriter(PassageBlocksWriter):
    """PassageBlocksWriter, a block's values of varying size (positions, spans) kept as one byte string and its
    offsets, in a dict (read by SlicedValues); only that string deflated, not the block, so that top-k scoring,
    which reads a block's passages and weights alone, inflates nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._values_compression, self._compression = self._compression, 0

    def _mini_values(self) -> dict[str, bytes] | bytes:
        size = self._format.fixed_value_size()
        if size is not None and size >= 0:  # none, or all of one size: as PassageBlocksWriter keeps them
            return super()._mini_values()
        offsets = array("I", [0])
        for value in self._values:
            offsets.append(offsets[-1] + len(value))
        joined = b"".join(self._values)
        if self._values_compression and len(joined) >= COMPRESSION_MIN_SIZE:  # W3's rule for its blocks
            return {"offsets": offsets.tobytes(), "deflated": zlib.compress(joined, self._values_compression)}
        return {"offsets": offsets.tobytes(), "values": joined}  # a dict: W3 never writes one


class PassageBlocksCodec(W3Codec):
    """W3, with posting blocks whose passages and weights unpickle as two byte strings (see the module)."""

    blocks_writer = PassageBlocksWriter

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (which no Setu field keeps): W3's own blocks
            return super().postings_writer(dbfile, byteids)
        return self.blocks_writer(
            dbfile, blocklimit=self._blocklimit, compression=self._compression, inlinelimit=self._inlinelimit
        )

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        return RememberingTermsReader(
            self, storage.open_file(tiname), storage.file_length(tiname), segment.open_file(storage, self.POSTS_EXT)
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():  # a term in one passage: its posting is in the term's entry, as in W3
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return PassageBlocksMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class PassageCodec(PassageBlocksCodec):
    """The codec Setu writes: PassageBlocksCodec's posting blocks with their values sliced, stored fields as bare
    pickles (see the module).

    PassageBlocksCodec stays for reading the segments an earlier generation wrote with it (deflated fields).
    """

    blocks_writer = SlicedValuesWriter

    def per_document_writer(self, storage, segment):
        return StoredPicklesWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return StoredPicklesReader(storage, segment)


class StoredPicklesWriter(W3PerDocWriter):
    """W3's per-document writer, its stored-fields column made of bare pickles (W3 names the column it wants on
    every write; the column made first is the one written to)."""

    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, STORED_PICKLES if fieldname == STORED else column)


class StoredPicklesReader(W3PerDocReader):
    """W3's per-document reader, reading the stored-fields column as StoredPicklesWriter wrote it."""

    def column_reader(self, fieldname, column):
        return super().column_reader(fieldname, STORED_PICKLES if fieldname == STORED else column)

    def doc_field_length_reader(self, fieldname, default=0):
        """The field length of each posting a segment's commit writes (for its blocks' best scores), from the
        length bytes read whole: W3 reads each from the column file, a fifth of a commit's postings loop."""
        lengths = field_length_bytes(self, fieldname, self._doccount)
        if lengths is None:
            return super().doc_field_length_reader(fieldname, default)
        return lambda docnum: LENGTH_OF_BYTE[lengths[docnum]] if lengths[docnum] else None  # 0: unwritten, as W3


def field_length_bytes(per_document, fieldname: str, doc_count: int) -> bytes | None:
    """A segment's stored length byte of `fieldname` for each of its `doc_count` passages (0 for those never
    written), read in one piece; None when W3 keeps them otherwise."""
    column = per_document._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None or getattr(column, "_fixedlen", None) != 1:
        return None
    stored = column._dbfile.get(column._basepos, column._count)
    return stored + bytes(doc_count - len(stored))


class SlicedValues:
    """One block's values from SlicedValuesWriter's byte string and offsets: each sliced out when asked."""

    def __init__(self, offsets: bytes, joined: bytes):
        self.offsets = array("I")
        self.offsets.frombytes(offsets)
        self.joined = joined

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, n: int) -> bytes:
        return self.joined[self.offsets[n] : self.offsets[n + 1]]


def skip_within_blocks(leaf: W3LeafMatcher, docnum: int) -> None:
    """Move a W3 block reader to its first passage at or after `docnum`: blocks passed by their headers alone,
    then a bisection of the block's passages (W3's own `skip_to` steps through them one `next()` at a time)."""
    if docnum <= leaf.id():
        return
    if docnum > leaf._maxid:
        leaf._skip_to_block(lambda: docnum > leaf._maxid)
        if not leaf.is_active():
            return
    if leaf._ids is None:
        leaf._read_ids()
    leaf._i = bisect_left(leaf._ids, docnum, leaf._i)


class PassageBlocksMatcher(W3LeafMatcher):
    """W3's block reader for PassageBlocksWriter's and SlicedValuesWriter's blocks: passages and weights from
    their bytes, values unpickled or sliced on first ask, a skip that bisects its block (for Whoosh's own trees
    too: unions, highlighting)."""

    def skip_to(self, docnum: int) -> None:
        if not self.is_active():
            raise ReadTooFar
        skip_within_blocks(self, docnum)

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        ids = array("I")
        ids.frombytes(self._data[0])
        self._ids = ids

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        weights = self._data[1]
        if weights is None or isinstance(weights, float):
            self._weights = array("f", [1.0 if weights is None else weights]) * self._blocklength
        else:
            self._weights = array("f")
            self._weights.frombytes(weights)

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        ids, weights, values = self._data
        if type(values) is dict:  # SlicedValuesWriter's
            joined = values["values"] if "values" in values else zlib.decompress(values["deflated"])
            self._values = SlicedValues(values["offsets"], joined)
            return
        if isinstance(values, bytes):  # still pickled (PassageBlocksWriter's): W3's reader takes it from here
            self._data = (ids, weights, pickle.loads(values))
        super()._read_values()
