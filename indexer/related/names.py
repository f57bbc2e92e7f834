"""Which of a story's terms are names, in every language it has: what tells one event from another on a subject.

Two football matches of one Saturday share the words of football (goal, striker, net); two reports
of one match share its names (Livingston, Menga, Gerrard). A name is found where a script marks it:
in Latin-script text, a word written with a capital mid-sentence (`align.keys.written_names`); in a
language whose articles mark no names, a term that sounds and is spelled like a name the story's
Latin-script articles write (its transliteration: পালু and 팔루 for Palu). A story told only in
scripts without capitals has no names known. Pure functions; no index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from indexer.analysis.names import MIN_KEY_LENGTH, name_key, name_similarity, spelling_similarity

# How alike a term and a written name must sound, and be spelled, for the term to be that name transliterated:
# sound alone lets short words meet any name with their consonants (অভিযোগ and ABC share the key `pk`).
NAME_MIN_SOUND = 0.8
NAME_MIN_SPELLING = 0.5


def story_names(
    written: Mapping[str, Iterable[Mapping[str, list[str]]]], terms: Mapping[str, Iterable[str]]
) -> dict[str, frozenset[str]]:
    """A story's name terms by language, given each language's articles' written names (name → its base forms)
    and the story's terms in each language.

    >>> names = story_names({"en": [{"Palu": ["palu"]}]}, {"en": ["palu", "tsunami"], "ko": ["팔루", "쓰나미"]})
    >>> sorted(names["en"]), sorted(names["ko"])
    (['palu'], ['팔루'])
    """
    written = {lang: list(found) for lang, found in written.items()}
    by_key: dict[str, set[str]] = defaultdict(set)
    for found in written.values():
        for names in found:
            for name in names:
                by_key[name_key(name)].add(name)
    result = {}
    for lang, own_terms in terms.items():
        own = {form for names in written.get(lang, []) for forms in names.values() for form in forms}
        if not own:
            own = {term for term in own_terms if _transliterates(term, by_key)}
        result[lang] = frozenset(own)
    return result


def _transliterates(term: str, names_by_key: Mapping[str, set[str]]) -> bool:
    """Whether the term sounds and is spelled like one of the names (given by their name keys)."""
    key = name_key(term)
    if len(key) < MIN_KEY_LENGTH or key not in names_by_key:
        return False
    return any(
        name_similarity(term, name) >= NAME_MIN_SOUND and spelling_similarity(term, name) >= NAME_MIN_SPELLING
        for name in names_by_key[key]
    )
