"""IBM Model 1 by EM over the cells a Dice association kept: translation weights with the shared words explained away.

Dice rates two terms by how often they meet, so in the one aligned pair holding 런던데리 and
체포, arrest and Londonderry look alike to both. Model 1 (Brown et al., 1993) shares each
target word of an aligned pair among the source words that may have made it, in proportion
to how likely each is to make it: once 런던데리 explains Londonderry, little of it is left
for 체포. Only the cells Dice kept are re-weighted (the rest of the cross join is chance),
and EM_ITERATIONS rounds, counted on passage pairs PAIRS_PER_STEP at a time like Dice's, keep
the cost a fraction of a build.
"""

from __future__ import annotations

import numpy as np

# Rounds of EM from the Dice start: the first explains away most; more sharpen what is left (the rare words met
# once need more rounds than 3 to be told apart; 5 and 10 did as well on half of bench.crosslang's stories).
EM_ITERATIONS = 5
# Aligned passage pairs cross-joined in one step: two 30-term passages make 900 rows, so this bounds the memory.
PAIRS_PER_STEP = 2_000
# Slots per kept cell in the hashed filter that spares most cross-join rows the exact search among the cells:
# about one row in this many outside a cell gets through to the search.
FILTER_SLOTS_PER_CELL = 32
# Integers below this fit an int32 (a test lowers it to take the int64 way a corpus this large would).
INT32_LIMIT = 1 << 31
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: multiplying by it spreads codes over the slots


def cross_join(lefts: list[np.ndarray], rights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Every (left term, right term) of every passage pair, as positions into the concatenated `lefts` and
    `rights`, without a Python loop per pair; int32 positions while they fit (_narrowest)."""
    left_sizes = np.array([len(a) for a in lefts], np.int64)
    right_sizes = np.array([len(b) for b in rights], np.int64)
    rows = int(left_sizes @ right_sizes)
    index = _narrowest(max(rows, int(left_sizes.sum()), int(right_sizes.sum())))
    left_sizes, right_sizes = left_sizes.astype(index), right_sizes.astype(index)
    right_starts = np.cumsum(right_sizes, dtype=index) - right_sizes
    pair_of_left = np.repeat(np.arange(len(lefts), dtype=index), left_sizes)
    copies = right_sizes[pair_of_left]  # each left term meets every right term of its pair
    left_at = np.repeat(np.arange(int(left_sizes.sum()), dtype=index), copies)
    offsets = np.arange(rows, dtype=index) - np.repeat(np.cumsum(copies, dtype=index) - copies, copies)
    right_at = np.repeat(right_starts[pair_of_left], copies) + offsets
    return left_at, right_at


def code_type(height: int, width: int) -> type:
    """The integer type of the cell codes `left * width + right` of a height × width table (the largest is
    height * width - 1)."""
    return _narrowest(height * width - 1)


def _narrowest(largest: int) -> type:
    """int32 for integers up to `largest` when it is under INT32_LIMIT, whose sorts and searches take half the
    time of int64's (most of mining), else int64."""
    return np.int32 if largest < INT32_LIMIT else np.int64


def step_codes(lefts: list[np.ndarray], rights: list[np.ndarray], width: int, dtype: type):
    """The cross join of some passage pairs (cross_join) as each row's cell code, with the rows' positions."""
    left_at, right_at = cross_join(lefts, rights)
    all_lefts, all_rights = np.concatenate(lefts).astype(dtype), np.concatenate(rights).astype(dtype)
    return all_lefts[left_at] * width + all_rights[right_at], left_at, right_at


def model1_weights(lefts: list[np.ndarray], rights: list[np.ndarray], width: int, cells: np.ndarray, start: np.ndarray):
    """Each cell's translation probability both ways, (right given left, left given right), by EM from `start`.

    `cells` are the kept (left term, right term) pairs coded `left * width + right`, sorted; `lefts` and
    `rights` the aligned passages' term numbers, pair by pair.
    """
    if not len(cells):
        return start.astype(np.float64), start.astype(np.float64)
    cell, left_group, right_group = _rows(lefts, rights, width, cells)
    left_term, right_term = cells // width, cells % width
    forward = backward = start.astype(np.float64)
    for _ in range(EM_ITERATIONS):
        forward = _expected(cell, right_group, forward, left_term)
        backward = _expected(cell, left_group, backward, right_term)
    return forward, backward


def _expected(cell: np.ndarray, group: np.ndarray, weight: np.ndarray, given: np.ndarray) -> np.ndarray:
    """One EM round: each generated word of a pair (`group`) shared among the cells that may make it, by
    weight; the shares summed per cell and normalized over the cells of the same generating term (`given`)."""
    share = weight[cell]
    totals = np.bincount(group, weights=share)
    counts = np.bincount(cell, weights=share / totals[group], minlength=len(weight))
    per_term = np.bincount(given, weights=counts)
    return np.divide(counts, per_term[given], out=np.zeros_like(counts), where=per_term[given] > 0)


def _rows(lefts: list[np.ndarray], rights: list[np.ndarray], width: int, cells: np.ndarray):
    """The cross join's rows that fall in a kept cell: the cell's index, and the row's left and right term
    as positions in the concatenated passages (a word of one pair: what EM shares out)."""
    found, left_groups, right_groups = [], [], []
    left_offset = right_offset = 0
    in_filter = _CellFilter(cells)
    for begin in range(0, len(lefts), PAIRS_PER_STEP):
        step_lefts, step_rights = lefts[begin : begin + PAIRS_PER_STEP], rights[begin : begin + PAIRS_PER_STEP]
        codes, left_at, right_at = step_codes(step_lefts, step_rights, width, cells.dtype.type)
        maybe = in_filter(codes)
        codes, left_at, right_at = codes[maybe], left_at[maybe], right_at[maybe]
        where = np.minimum(np.searchsorted(cells, codes), len(cells) - 1)
        kept = cells[where] == codes
        found.append(where[kept])
        left_groups.append(left_at[kept].astype(np.int64) + left_offset)  # a pair's positions: over every step
        right_groups.append(right_at[kept].astype(np.int64) + right_offset)
        left_offset += sum(map(len, step_lefts))
        right_offset += sum(map(len, step_rights))
    return np.concatenate(found), np.concatenate(left_groups), np.concatenate(right_groups)


class _CellFilter:
    """Which codes may be kept cells (every kept cell, and a few others: a Bloom filter of one hash), in one pass
    over an array where a search among the cells costs a binary search per code. Its slots are bits: a byte per
    slot made the filter 32-64 bytes a cell, hundreds of MB per mining thread at 100k passages."""

    def __init__(self, cells: np.ndarray):
        bits = max(3, int(np.ceil(np.log2(len(cells) * FILTER_SLOTS_PER_CELL))))
        self.shift = np.uint64(64 - bits)
        self.slots = np.zeros(1 << (bits - 3), dtype=np.uint8)
        slot = self._slot(cells)
        np.bitwise_or.at(self.slots, slot >> 3, np.left_shift(1, slot & 7).astype(np.uint8))

    def __call__(self, codes: np.ndarray) -> np.ndarray:
        slot = self._slot(codes)
        return (self.slots[slot >> 3] >> (slot & 7).astype(np.uint8)) & 1 == 1

    def _slot(self, codes: np.ndarray) -> np.ndarray:
        return (codes.astype(np.uint64) * _FIBONACCI) >> self.shift
