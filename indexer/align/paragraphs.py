"""Paragraph alignment: which paragraphs of two translations say the same thing.

Translators merge, split and drop paragraphs but rarely sentences, so alignment runs on
sentences: Gale–Church dynamic programming over lengths (the length ratio of each language
pair estimated from the corpus itself), strengthened by anchors that survive translation
(numbers after digit folding, Latin-script names and acronyms, URLs, quotation marks).
Paragraph links are read off the sentence beads, so a paragraph may link to any number of
paragraphs of the other translation, or to none. Pure functions over plain records; no index.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from indexer.align.profiles import Profile, Sentence

# Bead shapes (source sentences, target sentences) and their prior probabilities (Gale & Church 1993).
BEAD_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}
# Cost taken off a bead for each anchor its two sides share, and added for each left unmatched.
ANCHOR_MATCH = 3.0
ANCHOR_MISS = 1.0
# Prior probability of a bead pairing two whole paragraphs, whatever their sentence counts.
PARAGRAPH_BEAD_PRIOR = 0.005
# Anchors a story whose paragraphs were kept may show in a neighbouring paragraph instead of the facing one.
KEPT_MAX_MISPLACED = 2
# Largest length deviation (in standard deviations) of a paragraph pair in a story whose paragraphs were kept.
KEPT_MAX_DEVIATION = 3.2
# Prior probability of a whole paragraph left out of one translation.
PARAGRAPH_DROP_PRIOR = 0.02
# Length variance per source character when the corpus holds too few pairs to estimate it (Gale & Church).
DEFAULT_VARIANCE = 6.8
# Weight, in article pairs, of the default variance against the variance measured in the corpus.
VARIANCE_PRIOR_PAIRS = 5
# Sentences either side of the length-proportional diagonal the alignment search explores.
BAND_SENTENCES = 4
# Bead cost (in nats) at which a link's confidence falls to 1/e.
CONFIDENCE_SCALE = 4.0
# A paragraph link needs at least this share of the source paragraph's length.
MIN_LINK_SHARE = 0.05


@dataclass(frozen=True)
class LengthModel:
    """How a language pair's lengths compare: target characters per source character, and their variance."""

    ratio: float = 1.0
    variance: float = DEFAULT_VARIANCE


@dataclass(frozen=True)
class ParagraphLinks:
    """One paragraph's links into one translation: linked paragraphs, sharing most first, and a confidence."""

    indexes: tuple[int, ...]
    confidence: float


def estimate_length_models(groups: Iterable[list[tuple[str, int]]]) -> dict[tuple[str, str], LengthModel]:
    """Estimate each language pair's length ratio and variance from whole translations of one story.

    `groups` gives, per story, its articles as (language, length). Under Gale & Church's
    model the variance adds up over sentences, so whole articles estimate it per character.
    """
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for members in groups:
        for (lang_a, length_a), (lang_b, length_b) in combinations(members, 2):
            if lang_a != lang_b and length_a and length_b:
                pairs[lang_a, lang_b].append((length_a, length_b))
                pairs[lang_b, lang_a].append((length_b, length_a))
    models = {}
    for key, lengths in pairs.items():
        ratio = sum(b for _, b in lengths) / sum(a for a, _ in lengths)
        measured = sum((b - ratio * a) ** 2 / a for a, b in lengths)
        prior = DEFAULT_VARIANCE * ratio * VARIANCE_PRIOR_PAIRS
        models[key] = LengthModel(ratio, (measured + prior) / (len(lengths) + VARIANCE_PRIOR_PAIRS))
    return models


def align_paragraphs(
    source: Profile, target: Profile, model: LengthModel | None = None
) -> tuple[list[ParagraphLinks], list[ParagraphLinks]]:
    """Link the paragraphs of two translations, both ways: for each paragraph, its counterparts in the other."""
    model = model or _own_length_model(source, target)
    if _keeps_paragraphs(source, target, model):
        return _one_to_one(source, target, model)
    src, src_paragraph, src_ends = _flatten(source)
    tgt, tgt_paragraph, tgt_ends = _flatten(target)
    forward = [defaultdict(float) for _ in source.paragraphs], [defaultdict(float) for _ in source.paragraphs]
    backward = [defaultdict(float) for _ in target.paragraphs], [defaultdict(float) for _ in target.paragraphs]
    for i0, i1, j0, j1, cost in _sentence_beads(src, tgt, src_ends, tgt_ends, model):
        quality = math.exp(-max(0.0, cost) / CONFIDENCE_SCALE)
        for s, t, source_chars, target_chars in _overlaps(src[i0:i1], tgt[j0:j1]):
            p, q = src_paragraph[i0 + s], tgt_paragraph[j0 + t]
            forward[0][p][q] += source_chars
            forward[1][p][q] += source_chars * quality
            backward[0][q][p] += target_chars
            backward[1][q][p] += target_chars * quality
    return _links(forward, source), _links(backward, target)


def _keeps_paragraphs(source: Profile, target: Profile, model: LengthModel) -> bool:
    """Whether the translator kept the paragraphs one for one: as many, lengths and anchors agreeing.

    Sentence beads would then only add noise (a sentence split in two, a name read as a
    sentence end), and the paragraph breaks are the better evidence; checking is cheap.
    """
    if len(source.paragraphs) != len(target.paragraphs):
        return False
    pairs = zip(source.paragraph_lengths, target.paragraph_lengths, strict=True)
    if any(_paragraph_deviation(p, q, model) > KEPT_MAX_DEVIATION for p, q in pairs):
        return False
    vocabulary = source.anchors & target.anchors
    mine = [anchors & vocabulary for anchors in source.paragraph_anchors]
    theirs = [anchors & vocabulary for anchors in target.paragraph_anchors]
    misplaced = 0
    for number, anchors in enumerate(mine):
        neighbours = frozenset().union(*theirs[max(0, number - 1) : number + 2]) - theirs[number]
        misplaced += len((anchors - theirs[number]) & neighbours)
    return misplaced <= KEPT_MAX_MISPLACED


def _paragraph_deviation(source_length: int, target_length: int, model: LengthModel) -> float:
    """How many standard deviations two paragraphs' lengths are from what the language pair predicts."""
    spread = math.sqrt(model.variance * (source_length + target_length / model.ratio) / 2)
    return abs(target_length - model.ratio * source_length) / spread


def _one_to_one(
    source: Profile, target: Profile, model: LengthModel
) -> tuple[list[ParagraphLinks], list[ParagraphLinks]]:
    """Each paragraph linked to the one of the same number, confident as far as their lengths agree."""
    links = [
        ParagraphLinks((number,), round(math.exp(-_tail_cost(_paragraph_deviation(p, q, model)) / CONFIDENCE_SCALE), 3))
        for number, (p, q) in enumerate(zip(source.paragraph_lengths, target.paragraph_lengths, strict=True))
    ]
    return links, list(links)


def _own_length_model(source: Profile, target: Profile) -> LengthModel:
    """The pair's own length ratio, for a language pair the corpus has no other example of."""
    ratio = target.length / max(1, source.length)
    return LengthModel(ratio, DEFAULT_VARIANCE * ratio)


def _flatten(profile: Profile) -> tuple[list[Sentence], list[int], dict[int, int]]:
    """The article's sentences in order, the paragraph of each, and where each paragraph ends → where it starts."""
    sentences, paragraph_of, ends = [], [], {}
    for number, paragraph in enumerate(profile.paragraphs):
        start = len(sentences)
        sentences.extend(paragraph)
        paragraph_of.extend([number] * len(paragraph))
        ends[len(sentences)] = start
    return sentences, paragraph_of, ends


def _overlaps(source: list[Sentence], target: list[Sentence]) -> Iterable[tuple[int, int, float, float]]:
    """Within one bead, which sentences face which, laid side by side in proportion to their lengths."""
    source_total, target_total = sum(s.length for s in source), sum(t.length for t in target)
    source_start = 0.0
    for s, sentence in enumerate(source):
        source_end = source_start + sentence.length / source_total
        target_start = 0.0
        for t, other in enumerate(target):
            target_end = target_start + other.length / target_total
            overlap = min(source_end, target_end) - max(source_start, target_start)
            if overlap > 1e-9:
                yield s, t, overlap * source_total, overlap * target_total
            target_start = target_end
        source_start = source_end


def _links(shares: tuple[list[dict], list[dict]], profile: Profile) -> list[ParagraphLinks]:
    """Turn characters shared (raw and confidence-weighted) into each paragraph's ranked links."""
    links = []
    for length, shared, weighted in zip(profile.paragraph_lengths, *shares, strict=True):
        kept = sorted((q for q in shared if shared[q] >= MIN_LINK_SHARE * length), key=lambda q: (-shared[q], q))
        confidence = min(1.0, sum(weighted[q] for q in kept) / length)
        links.append(ParagraphLinks(tuple(kept), round(confidence, 3)))
    return links


def _sentence_beads(
    src: list[Sentence], tgt: list[Sentence], src_ends: dict[int, int], tgt_ends: dict[int, int], model: LengthModel
) -> list[tuple[int, int, int, int, float]]:
    """Gale–Church dynamic programming over sentence lengths and anchors, in a band around the diagonal.

    Besides the sentence beads, a bead may pair two whole paragraphs, whatever their sentence
    counts, since translators split and join sentences but mostly keep paragraphs.
    Returns beads (source start, end, target start, end, cost), in order.
    """
    n, m = len(src), len(tgt)
    vocabulary = frozenset().union(*(s.anchors for s in src)) & frozenset().union(*(t.anchors for t in tgt))
    src_anchors = [s.anchors & vocabulary for s in src]
    tgt_anchors = [t.anchors & vocabulary for t in tgt]
    src_at, tgt_at = _prefix_sums([s.length for s in src]), _prefix_sums([t.length for t in tgt])
    band = _band(src_at, tgt_at)
    moves = [(di, dj, -math.log(p)) for (di, dj), p in BEAD_PRIORS.items()]
    paragraph_prior = -math.log(PARAGRAPH_BEAD_PRIOR)
    drop_prior = -math.log(PARAGRAPH_DROP_PRIOR)
    ratio, variance = model.ratio, model.variance
    cost = [dict() for _ in range(n + 1)]
    back = [dict() for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        lo, hi = band[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best, best_move = math.inf, None
            candidates = [(i - di, j - dj, prior) for di, dj, prior in moves]
            if i in src_ends and j in tgt_ends:
                candidates.append((src_ends[i], tgt_ends[j], paragraph_prior))
            if i in src_ends and (j in tgt_ends or j == 0):
                candidates.append((src_ends[i], j, drop_prior))
            if j in tgt_ends and (i in src_ends or i == 0):
                candidates.append((i, tgt_ends[j], drop_prior))
            for pi, pj, prior in candidates:
                di, dj = i - pi, j - pj
                previous = cost[pi].get(pj) if pi >= 0 and pj >= 0 else None
                if previous is None:
                    continue
                bead = prior
                if di and dj:
                    source_length, target_length = src_at[i] - src_at[pi], tgt_at[j] - tgt_at[pj]
                    spread = math.sqrt(variance * (source_length + target_length / ratio) / 2)
                    bead += _tail_cost(abs(target_length - ratio * source_length) / spread)
                bead += _anchor_cost(src_anchors[pi:i], tgt_anchors[pj:j])
                if previous + bead < best:
                    best, best_move = previous + bead, (pi, pj, bead)
            if best_move is not None:
                cost[i][j] = best
                back[i][j] = best_move
    return _backtrack(back, n, m)


def _anchor_cost(source: list[frozenset[str]], target: list[frozenset[str]]) -> float:
    """Reward anchors a bead's two sides share; charge those found on one side only."""
    if not any(source) and not any(target):
        return 0.0
    mine, theirs = frozenset().union(*source), frozenset().union(*target)
    matched = len(mine & theirs)
    return ANCHOR_MISS * (len(mine) + len(theirs) - 2 * matched) - ANCHOR_MATCH * matched


def _prefix_sums(lengths: list[int]) -> list[int]:
    sums = [0]
    for length in lengths:
        sums.append(sums[-1] + length)
    return sums


def _band(src_at: list[int], tgt_at: list[int]) -> list[tuple[int, int]]:
    """For each source sentence count, the target sentence counts worth exploring: near the length diagonal."""
    n, m = len(src_at) - 1, len(tgt_at) - 1
    src_total, tgt_total = src_at[-1] or 1, tgt_at[-1] or 1
    band, j, previous_hi = [], 0, 0
    for i in range(n + 1):
        while j < m and tgt_at[j + 1] / tgt_total <= src_at[i] / src_total:
            j += 1
        lo, hi = max(0, j - BAND_SENTENCES), min(m, j + BAND_SENTENCES + 1)
        lo = min(lo, previous_hi)  # rows must overlap, or no path could cross from one to the next
        band.append((lo, hi))
        previous_hi = hi
    band[0] = (0, band[0][1])
    band[n] = (band[n][0], m)
    return band


def _tail_cost(z: float) -> float:
    """-log P(|Z| >= z) for a standard normal Z: how unlikely a length difference of z deviations is."""
    if z < 6:
        return -math.log(math.erfc(z / math.sqrt(2)))
    return z * z / 2 + math.log(z) + 0.226  # the tail's asymptote, where erfc underflows


def _backtrack(back: list[dict], n: int, m: int) -> list[tuple[int, int, int, int, float]]:
    beads, i, j = [], n, m
    while (i, j) != (0, 0):
        pi, pj, bead = back[i][j]
        if i > pi and j > pj:
            beads.append((pi, i, pj, j, bead))
        i, j = pi, pj
    beads.reverse()
    return beads


def alignment_confidence(profile: Profile, paragraphs: list[ParagraphLinks]) -> float:
    """How well an article aligns with another: its paragraphs' link confidences, weighted by their length."""
    lengths = profile.paragraph_lengths
    total = sum(lengths)
    if not total:
        return 0.0
    return round(sum(length * found.confidence for length, found in zip(lengths, paragraphs, strict=True)) / total, 3)
