"""Keys under which a word and its likely misspellings meet: spelling-variant folds and one-edit neighbourhoods.

A word's *sound* is what a reader's slip changes: Hangul is spelled as its 2-set
keystrokes (one jamo off is one edit, 청소뇬 for 청소년), Bengali is folded over
the letters readers confuse (ি/ী, ু/ূ, শ/ষ/স, ন/ণ, জ/য, ড়/র, ঁ, য-ফলা; Lucene's
BengaliNormalizer folds several of the same), anything else is the word itself.
Two words are one slip apart when their sounds are within one edit (a transposition
counts once); the deletion neighbourhood (SymSpell's idea) finds such pairs by lookup.

>>> sound("bn", "শ্রেণী") == sound("bn", "শ্রেনি"), sound("ko", "청소뇬")
(True, 'ㅊㅓㅇㅅㅗㄴㅛㄴ')
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from indexer.analysis.hangul import has_hangul, keystrokes

# The letters Bengali readers write for one another, each folded onto one of them.
_BENGALI_FOLDS = str.maketrans(
    {
        "\u09c0": "\u09bf",  # ী → ি
        "\u09c2": "\u09c1",  # ূ → ু
        "\u0988": "\u0987",  # ঈ → ই
        "\u098a": "\u0989",  # ঊ → উ
        "\u09b6": "\u09b8",  # শ → স
        "\u09b7": "\u09b8",  # ষ → স
        "\u09a3": "\u09a8",  # ণ → ন
        "\u09af": "\u099c",  # য → জ
        "\u09dc": "\u09b0",  # ড় → র
        "\u09dd": "\u09b0",  # ঢ় → র
        "\u0981": None,  # chandrabindu ঁ, often left out
    }
)
# Ya-phala (্য), often left out or written where it is not: dropped before য is folded.
_YA_PHALA = "\u09cd\u09af"


def fold_bengali(word: str) -> str:
    """Fold the Bengali letters readers confuse onto one of each, so their variants share one key."""
    return word.replace(_YA_PHALA, "").translate(_BENGALI_FOLDS)


def sound(lang: str, word: str) -> str:
    """The key a reader's slips change one letter of: keystrokes for Hangul, the fold for Bengali, else the word."""
    if lang == "bn":
        return fold_bengali(word)
    if lang == "ko" and has_hangul(word):
        return keystrokes(word)
    return word


def deletions(key: str) -> set[str]:
    """The key and every key one character shorter: two keys one edit apart share one of these."""
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


def one_edit_apart(key: str, other: str) -> bool:
    """Whether two keys differ by at most one insertion, deletion, substitution or transposition."""
    return OSA.distance(key, other, score_cutoff=1) <= 1
