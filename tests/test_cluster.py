"""Sharded build and search on a Dask LocalCluster on 127.0.0.1: one process's answers, global statistics, faults."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="dask and distributed are needed for the cluster")

from indexer.build.pipeline import add_articles, build_index, remove_articles  # noqa: E402
from indexer.cluster.build import build_sharded_index  # noqa: E402
from indexer.cluster.client import Cluster  # noqa: E402
from indexer.cluster.search import LOCAL, SHARD_DEADLINE, ClusterIndexSet, LiveClusterIndexSet  # noqa: E402
from indexer.engine.index_set import open_index_set
from indexer.engine.shards import ShardedIndexSet, shard_count, shard_folder, shard_of  # noqa: E402
from indexer.generations import (  # noqa: E402
    IndexDirError,
    current_generation,
    new_generation,
    publish_generation,
    read_manifest,
    writer_lock,
)
from indexer.search import search, suggest  # noqa: E402
from indexer.search.plan import plan_query  # noqa: E402
from indexer.search.query import parse_query  # noqa: E402
from indexer.search.ranking import order, rank_passages  # noqa: E402
from search_app import create_app  # noqa: E402

from .conftest import DATA, SEEDS, run_cli, write_ferry_archive  # noqa: E402

# Dask's comms leave a socket or two to the garbage collector when a cluster stops; not ours to close.
pytestmark = pytest.mark.filterwarnings("ignore:Exception ignored in.*socket:pytest.PytestUnraisableExceptionWarning")

NTREX = SEEDS / "ntrex-sample"
# The development queries: each query kind of the README, in the three languages of the corpus below.
QUERIES = [
    "사회복지",
    "সমাজকর্ম",
    "library",
    "shark OR lobster",
    '"사회복지 서비스" -센터',
    "lib*",
    "ANH PHUONG",
    "12",
    "library shark nonexistentword",
    "government police",
    "what did the police say to the government?",
    "정부 경찰",
    "published:2019..",
]
RARE_NAME = "Zanzibarov"


def answer_without_timing(answer: dict) -> dict:
    """An answer less what may differ between equal rankings: its time and its count (see consistent_totals)."""
    return {key: value for key, value in answer.items() if key not in ("took_ms", "total", "total_relation")}


def consistent_totals(first: dict, second: dict) -> bool:
    """Two counts of one query agree: equal when both are exact, a lower bound ("gte") at most an exact one.

    A shard that saw every match counts exactly where one index of the same passages skipped some.
    """
    exact = {answer["total_relation"] == "eq" for answer in (first, second)}
    if exact == {True}:
        return first["total"] == second["total"]
    if exact == {True, False}:
        lower, upper = sorted((first, second), key=lambda answer: answer["total_relation"] == "eq")
        return lower["total"] <= upper["total"]
    return True


def write_corpus(folder: Path, languages: tuple[str, ...]) -> Path:
    """The NTREX sample in a few languages, as a line-aligned parallel folder, plus the bundled seed story."""
    parallel = folder / "ntrex"
    parallel.mkdir(parents=True)
    shutil.copy(NTREX / "DOCUMENT_IDS.tsv", parallel)
    for name in languages:
        shutil.copy(NTREX / f"newstest2019-ref.{name}.txt", parallel)
    for story in SEEDS.glob("*.txt"):
        shutil.copy(story, folder)
    return folder


@pytest.fixture(scope="module")
def cluster():
    with Cluster("local:2") as started:
        yield started


@pytest.fixture(scope="module")
def sharded(tmp_path_factory, cluster) -> Path:
    corpus = write_corpus(tmp_path_factory.mktemp("corpus"), ("eng-US", "kor", "ben"))
    index_dir = tmp_path_factory.mktemp("sharded")
    build_sharded_index(index_dir, [corpus, DATA / "parallel"], cluster, shards=3)
    return index_dir


@pytest.fixture(scope="module")
def cluster_set(sharded, cluster) -> ClusterIndexSet:
    return ClusterIndexSet(sharded, cluster)


def test_a_sharded_build_records_every_shard_and_each_language_statistics(sharded):
    manifest = read_manifest(current_generation(sharded))
    assert set(manifest["shards"]) == {"bn", "en", "ko"}
    for lang, shards in manifest["shards"].items():
        assert len(shards) == 3
        totals = manifest["statistics"][lang]
        assert totals["doc_count"] == sum(s["doc_count"] for s in shards) == manifest["languages"][lang]["passages"]
        assert totals["field_length"]["text"] == sum(s["field_length"]["text"] for s in shards) > 0
    assert (current_generation(sharded) / "alignment.sqlite").exists()


def test_cluster_answers_equal_a_single_process_search_over_the_same_shards(cluster_set, sharded):
    reference = ShardedIndexSet(sharded)
    for query in QUERIES:
        for per in ("article", "passage"):
            got = search(cluster_set, query, lang="auto", limit=10, per=per)
            expected = search(reference, query, lang="auto", limit=10, per=per)
            assert answer_without_timing(got) == answer_without_timing(expected), (query, per)
            assert consistent_totals(got, expected), (query, per)
    assert search(cluster_set, "library", lang="all")["hits"] == search(reference, "library", lang="all")["hits"]
    for query in ("police", "정부 경찰"):  # undated: each date's passages in the order of their scores
        got, expected = (search(where, query, sort="date", limit=20)["hits"] for where in (cluster_set, reference))
        assert got == expected and len(got) > 1, query


def test_a_sort_by_date_on_the_cluster_lists_what_one_index_lists_page_after_page(tmp_path, cluster):
    """More passages match than one index ranks (tests/conftest.write_ferry_archive): the shards together rank
    more, and their merged answer is cut as one index cuts it."""
    index_dir = tmp_path / "index"
    build_sharded_index(index_dir, [write_ferry_archive(tmp_path)], cluster, shards=3)
    on_cluster, reference = ClusterIndexSet(index_dir, cluster), ShardedIndexSet(index_dir)
    for query, per in (("ferry strike", "article"), ("ferry strike", "passage"), ("ferry", "article")):
        for offset in (0, 20, 40):
            got, expected = (
                search(where, query, lang="en", sort="date", per=per, limit=20, offset=offset)["hits"]
                for where in (on_cluster, reference)
            )
            assert [hit["doc_id"] for hit in got] == [hit["doc_id"] for hit in expected], (query, per, offset)
            assert len(got) == 20


@pytest.mark.parametrize(
    ("query", "lang"), [("police", "en"), ("사회복지", "ko"), ("government police", "en"), ("정부 경찰", "ko")]
)
def test_cluster_scores_equal_single_process_scores_to_1e9(cluster_set, sharded, query, lang):
    reference = ShardedIndexSet(sharded)
    plan = plan_query(parse_query(query), lang, reference.analyzer(lang))
    [ranked], missing = cluster_set.rank_candidates({lang: plan}, depth=10, per="passage")
    with reference.searcher(lang) as searcher:
        single = rank_passages(searcher, plan, depth=10, per="passage")
    got, expected = order([ranked]), order([single])
    assert not missing and expected
    assert [(c.doc_id, c.docnum) for _, c, _ in got] == [(c.doc_id, c.docnum) for _, c, _ in expected]
    for (_, a, _), (_, b, _) in zip(got, expected, strict=True):
        assert abs(a.bm25 - b.bm25) < 1e-9 and abs(a.score - b.score) < 1e-9


def skewed_corpus(folder: Path) -> Path:
    """English articles where a rare name is common on one shard and rare on the other."""
    filler = "The council met on Tuesday to discuss the budget for roads and schools in the district."
    records = [
        {"id": f"skew-{n:02d}", "title": f"Council notes {n}", "lang": "en", "paragraphs": [filler]} for n in range(16)
    ]
    for n in range(4):
        records[n]["paragraphs"] = [f"{RARE_NAME} spoke. {RARE_NAME} answered. {filler}"]
    records[8]["paragraphs"] = [f"{RARE_NAME} spoke. {filler}"]
    path = folder / "skewed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def skewed_shard(article_id: str, shards: int) -> int:
    """Articles 00-07 on shard 0 (with most of the rare name), 08-15 on shard 1."""
    return 0 if int(article_id.removeprefix("skew-")) < 8 else 1


def test_global_statistics_rank_a_skewed_sharding_as_one_index(tmp_path, cluster):
    corpus = skewed_corpus(tmp_path)
    build_sharded_index(tmp_path / "sharded", [corpus], cluster, shards=2, choose_shard=skewed_shard)
    build_index(tmp_path / "single", [corpus])
    skewed = ClusterIndexSet(tmp_path / "sharded", cluster)
    assert skewed.shards("en") == 2
    ranks = {}
    for name, answer in {
        "single": search(open_index_set(tmp_path / "single"), RARE_NAME, lang="en", per="passage"),
        "global": search(skewed, RARE_NAME, lang="en", per="passage"),
        "local": search(
            ClusterIndexSet(tmp_path / "sharded", cluster, statistics=LOCAL), RARE_NAME, lang="en", per="passage"
        ),
    }.items():
        ranks[name] = [(hit["doc_id"], hit["score"]) for hit in answer["hits"]]
    assert ranks["global"] == ranks["single"]
    assert [doc for doc, _ in ranks["local"]] != [doc for doc, _ in ranks["single"]]
    assert ranks["local"][0][0] == "skew-08"  # the lone mention, inflated by its shard's own IDF


def shard_contents(index_dir: Path) -> dict:
    generation = current_generation(index_dir)
    manifest = read_manifest(generation)
    contents = {"languages": manifest["languages"], "statistics": manifest["statistics"]}
    for lang, shards in manifest["shards"].items():
        for k, stats in enumerate(shards):
            contents[f"{lang}/{k}"] = stats
    view = ShardedIndexSet(index_dir)
    for lang in view.languages:
        with view.searcher(lang) as searcher:
            contents[lang] = [searcher.stored_fields(n) for n in range(searcher.doc_count_all())]
    return contents


def test_one_worker_and_four_workers_build_identical_shards(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", ("eng-US",))
    run_cli("build", "--cluster", "local:1", "--shards", "3", "--index-dir", str(tmp_path / "one"), str(corpus))
    with Cluster("local:4") as four:
        build_sharded_index(tmp_path / "four", [corpus], four, shards=3)
    one, four_workers = shard_contents(tmp_path / "one"), shard_contents(tmp_path / "four")
    assert one == four_workers
    assert len(one["en"]) == one["languages"]["en"]["passages"] > 0


def test_shards_auto_splits_a_language_past_the_per_shard_size_and_keeps_a_small_one_whole():
    assert shard_count(articles=7_000, passages=111_000, requested="auto") == 3
    assert shard_count(articles=60, passages=900, requested="auto") == 1
    assert shard_count(articles=12, passages=900_000, requested="auto") == 2  # at least 5 articles a shard
    assert shard_count(articles=60, passages=900, requested=4) == 4


def test_articles_go_to_shards_by_a_stable_hash():
    # Pinned values: a salted hash() would give others in each interpreter, and shards would move between builds.
    assert [shard_of(f"{n:03d}-en", 4) for n in range(6)] == [1, 2, 0, 3, 3, 3]
    assert shard_of("001_e7969bfd07bd7312", 7) == 2


def test_the_app_without_a_cluster_serves_a_sharded_index_as_one(sharded):
    client = create_app({"INDEX_DIR": str(sharded), "TESTING": True}).test_client()
    got = client.get("/api/v1/search", query_string={"q": "police", "per": "passage"}).get_json()
    expected = search(ShardedIndexSet(sharded), "police", per="passage")
    assert got["hits"] and answer_without_timing(got) == answer_without_timing(expected)


def test_the_api_searches_on_the_cluster(sharded, cluster):
    app = create_app({"INDEX_DIR": str(sharded), "CLUSTER_INDEXES": LiveClusterIndexSet(sharded, cluster)})
    app.config["TESTING"] = True
    got = app.test_client().get("/api/v1/search", query_string={"q": "library", "per": "passage"}).get_json()
    expected = search(ShardedIndexSet(sharded), "library", per="passage")
    assert answer_without_timing(got) == answer_without_timing(expected)
    assert "partial" not in got


def test_a_shard_past_its_deadline_is_named_in_a_partial_answer(sharded, cluster):
    hurried = ClusterIndexSet(sharded, cluster, deadline=0.0)
    answer = search(hurried, "library", lang="en")
    assert answer["partial"] == {"missing_shards": [shard_folder(Path(), "en", k).as_posix() for k in range(3)]}
    assert answer["hits"] == [] and answer["total"] == 0


def test_replicas_dropped_for_a_late_answer_are_readmitted_after_a_health_check(sharded, cluster):
    index_set = ClusterIndexSet(sharded, cluster, deadline=0.0)
    assert "partial" in search(index_set, "police", lang="en")  # replicas were late, and dropped
    index_set.deadline = SHARD_DEADLINE  # the workers were only busy: they answer in time now
    expected = search(ShardedIndexSet(sharded), "police", lang="en", per="passage")
    for _ in range(3):
        answer = search(index_set, "police", lang="en", per="passage")
        assert "partial" not in answer and answer["hits"] == expected["hits"]


def burst(index_sets, queries: list[str], rounds: int, during=None) -> list[dict]:
    """Search from two threads for `rounds` rounds while `during()` runs; every answer, or the exception raised."""
    answers: list = []

    def client():
        for _ in range(rounds):
            for query in queries:
                try:
                    answers.append(search(index_sets(), query, per="passage"))
                except Exception as error:  # the test fails on any: collected to be shown
                    answers.append(error)

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    if during:
        during()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.fixture
def fault_cluster():
    with Cluster("local:2") as started:
        yield started


def test_a_killed_worker_leaves_every_answer_complete_or_partial(sharded, fault_cluster):
    replicated = ClusterIndexSet(sharded, fault_cluster, replicas=2)
    single_copy = ClusterIndexSet(sharded, fault_cluster, replicas=1)
    expected = {q: answer_without_timing(search(replicated, q, per="passage")) for q in QUERIES[:4]}
    victim = fault_cluster.workers()[0]
    answers = burst(lambda: replicated, QUERIES[:4], rounds=5, during=lambda: fault_cluster.stop_worker(victim))
    assert not [a for a in answers if isinstance(a, Exception)]
    assert all(answer_without_timing(a) == expected[a["query"]] for a in answers)  # a replica answered each
    partial = [search(single_copy, q, per="passage") for q in QUERIES[:4]]
    assert any("partial" in a for a in partial)
    for answer in partial:
        if "partial" not in answer:
            assert answer_without_timing(answer) == expected[answer["query"]]


def test_a_generation_swap_under_load_loses_no_request(sharded, cluster, tmp_path):
    index_dir = tmp_path / "served"
    shutil.copytree(sharded, index_dir)
    live = LiveClusterIndexSet(index_dir, cluster)
    expected = {q: answer_without_timing(search(live.current(), q, per="passage"))["hits"] for q in QUERIES[:3]}
    generations = {live.current().generation}

    def swap_twice():
        for _ in range(2):
            with writer_lock(index_dir):
                current = current_generation(index_dir)
                published = publish_generation(index_dir, new_generation(index_dir, current), read_manifest(current))
            generations.add(published.name)

    answers = burst(live.current, QUERIES[:3], rounds=6, during=swap_twice)
    assert not [a for a in answers if isinstance(a, Exception)]
    assert all(a["hits"] == expected[a["query"]] and "partial" not in a for a in answers)
    assert live.current().generation in generations and len(generations) == 3


def test_add_and_remove_refuse_a_sharded_index_and_leave_it_serving(sharded):
    before = (sharded / "CURRENT").read_text()
    for change in (lambda: add_articles(sharded, [DATA / "jsonl"]), lambda: remove_articles(sharded, ["x"])):
        with pytest.raises(IndexDirError, match="holds a sharded index"):
            change()
    assert (sharded / "CURRENT").read_text() == before


def test_a_sharded_build_keeps_one_vocabulary_per_language_for_the_search_box(sharded):
    reference = ShardedIndexSet(sharded)
    assert "사회복지" in [s["text"] for s in suggest(reference, "사회복ㅈ")["suggestions"]]
    assert search(reference, "tkghlqhrwl")["did_you_mean"] == "사회복지"
    generation = current_generation(sharded)
    assert {path.parent for path in generation.rglob("vocabulary-*.sqlite")} == {generation}
