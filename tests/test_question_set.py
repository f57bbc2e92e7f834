"""The judged question set of bench/data: every label names a passage of seeds/ whose text it quotes."""

from __future__ import annotations

from collections import Counter

from bench.questions import corpus_passages, load_questions

from .conftest import ROOT, SEEDS


def test_every_question_is_labelled_with_a_passage_of_the_bundled_corpus_that_it_quotes():
    questions = load_questions(ROOT / "bench" / "data" / "questions")
    texts = {(d, p): text for found in corpus_passages(SEEDS).values() for d, p, _, text in found}
    assert len({q.id for q in questions}) == len(questions)
    wrong = [q.id for q in questions if not (q.answer and texts.get((q.doc_id, q.position), "").startswith(q.answer))]
    assert wrong == []
    kinds = Counter((q.lang, q.kind) for q in questions)
    for lang in ("bn", "ko", "en"):  # what the dev set promises: 100 questions and 50 keyword queries each
        assert kinds[lang, "question"] >= 100 and kinds[lang, "keyword"] >= 50
