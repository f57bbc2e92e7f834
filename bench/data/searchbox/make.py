"""Write searchbox.jsonl from words.tsv: each hand-picked word with the typed forms derived by keyboard facts.

The word, its article, its misspelling (and for English one with two slips) and its romanized Bengali are
written by hand in words.tsv. What is
derived here is a fact of typing, computed without Setu's code: a word typed midway (Korean: its last syllable
reduced to that syllable's first consonant, as a 2-set input method shows it mid-syllable; elsewhere the first
60% of its grapheme clusters, cut by ICU's character break so no cluster is split), Korean initials (초성), and
the Latin keys that type a Korean word on the standard 2-set (두벌식) layout.
Run: `python bench/data/searchbox/make.py`.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import icu

HERE = Path(__file__).parent
ROOT = HERE.parent.parent.parent
# Share of a word's grapheme clusters typed when it is typed midway (Bengali, English).
MIDWAY_SHARE = 0.6
# Conjoining jamo (U+1100 block) → the 2-set key that types it; compound vowels and finals are two keys.
_INITIAL_KEYS = dict(zip(range(0x1100, 0x1113), "r R s e E f a q Q t T d w W c z x v g".split(), strict=True))
_VOWEL_KEYS = dict(zip(range(0x1161, 0x1176), "k o i O j p u P h hk ho hl y n nj np nl b m ml l".split(), strict=True))
_FINAL_KEYS = dict(
    zip(range(0x11A8, 0x11C3), "r R rt s sw sg e f fr fa fq ft fx fv fg a q qt t T d w c z x v g".split(), strict=True)
)
_INITIAL_JAMO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


def latin_keys(word: str) -> str:
    keys = []
    for char in unicodedata.normalize("NFD", word):
        code = ord(char)
        keys.append(_INITIAL_KEYS.get(code) or _VOWEL_KEYS.get(code) or _FINAL_KEYS[code])
    return "".join(keys)


def initials(word: str) -> str:
    return "".join(_INITIAL_JAMO[ord(unicodedata.normalize("NFD", s)[0]) - 0x1100] for s in word)


def graphemes(word: str) -> list[str]:
    breaks = icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())
    breaks.setText(word)
    bounds = [0, *breaks]
    return [word[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def midway(lang: str, word: str) -> str:
    if lang == "ko":
        return word[:-1] + initials(word[-1])
    clusters = graphemes(word)
    return "".join(clusters[: max(2, min(len(clusters) - 1, round(MIDWAY_SHARE * len(clusters))))])


def article_texts() -> dict[str, str]:
    import sys

    sys.path.insert(0, str(ROOT))
    from indexer.corpus import read_corpus
    from indexer.documents import Article

    return {
        a.id: unicodedata.normalize("NFC", "\n".join([a.title, *a.paragraphs])).casefold()
        for a in read_corpus([ROOT / "seeds"])
        if isinstance(a, Article)
    }


def main() -> None:
    texts = article_texts()
    rows = []
    for line in (HERE / "words.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, word, doc_id, misspelled, romanized, twice = (line.split("\t") + ["", ""])[:6]
        if unicodedata.normalize("NFC", word).casefold() not in texts[doc_id]:
            raise SystemExit(f"{word} is not in {doc_id}")
        row = {"lang": lang, "word": word, "doc_id": doc_id, "misspelled": misspelled, "midway": midway(lang, word)}
        if lang == "ko":
            row |= {"initials": initials(word), "keyboard": latin_keys(word)}
        if romanized:
            row["romanized"] = romanized
        if twice:
            row["misspelled twice"] = twice
        rows.append(row)
    with open(HERE / "searchbox.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} words written to searchbox.jsonl")


if __name__ == "__main__":
    main()
