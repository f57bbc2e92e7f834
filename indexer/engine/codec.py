"""Whoosh's W3 codec with posting blocks whose passages and weights are read apart from their positions.

A W3 block is one pickle of three tuples: passage numbers (delta-coded), weights and each posting's
positions and spans, so reading a block's passages makes a Python object of every number and every
position string, though top-k scoring only asks for passages and weights (cProfile: unpickling blocks
was a quarter of a prefix search at 100k passages). Here the passages and weights are arrays' bytes, read
back by `array.frombytes`, and the positions a pickle of their own inside the block, unpickled when a
phrase, proximity or a highlight asks for them. The block's framing, header and compression are W3's own;
a segment written so names this codec, and segments written by W3 are read as before.
"""

from __future__ import annotations

import pickle
from array import array

from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher, W3PostingsWriter


class PassageBlocksCodec(W3Codec):
    """W3, with posting blocks whose passages and weights unpickle as two byte strings (see the module)."""

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (which no Setu field keeps): W3's own blocks
            return super().postings_writer(dbfile, byteids)
        return PassageBlocksWriter(
            dbfile, blocklimit=self._blocklimit, compression=self._compression, inlinelimit=self._inlinelimit
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():  # a term in one passage: its posting is in the term's entry, as in W3
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return PassageBlocksMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


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


class PassageBlocksMatcher(W3LeafMatcher):
    """W3's block reader for PassageBlocksWriter's blocks: passages and weights from their bytes, values
    unpickled on first ask."""

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
        if isinstance(values, bytes):  # still pickled: W3's reader takes it from here
            self._data = (ids, weights, pickle.loads(values))
        super()._read_values()
