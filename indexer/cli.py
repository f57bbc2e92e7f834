"""Command line: `python -m indexer build|add|remove|stats|search|show|related`. Parses, calls one function, prints."""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from pathlib import Path

from indexer import (
    IndexDirError,
    UnknownLanguage,
    UnpairedSurrogate,
    WriteReport,
    add_articles,
    build_index,
    english_name,
    get_article,
    index_stats,
    open_any_index_set,
    related_articles,
    remove_articles,
    search,
    shards_option,
)


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit status 1 with a one-line reason when the index directory is unusable, or quietly when
    the output's reader went away (`| head -1`: a traceback there told the reader nothing)."""
    args = _parser().parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()  # here, where a reader gone away is caught, not at exit
        return status
    except (IndexDirError, UnknownLanguage, UnpairedSurrogate) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's own flush must not fail again
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description="Setu's multilingual news indexer.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--index-dir", required=True, type=Path, help="folder holding the indexes")
        sub.set_defaults(run=run)
        return sub

    build = command("build", _build, "build a fresh set of indexes from files and folders, swapped in atomically")
    build.add_argument("paths", nargs="+", metavar="PATH")
    build.add_argument(
        "--analysis",
        default="setu",
        choices=["setu", "icu", "whoosh-standard"],
        help="analyzer chains: Setu's (default), or a baseline to compare against",
    )
    build.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes analyzing and writing languages in parallel (default: all cores; 1: none)",
    )
    build.add_argument("--cluster", metavar="SCHEDULER", help="build on a Dask cluster: its address, or local:N")
    build.add_argument("--shards", default="auto", type=shards_option, help="with --cluster: per language, N or auto")
    add = command("add", _add, "insert or replace articles (by id) without a rebuild")
    add.add_argument("paths", nargs="+", metavar="PATH")
    remove = command("remove", _remove, "delete articles by id")
    remove.add_argument("ids", nargs="+", metavar="ID")
    command("stats", _stats, "languages, article and passage counts, size on disk")
    find = command("search", _search, "the best passages for a query, one per article")
    find.add_argument("--lang", default="auto", help="language code, 'auto' (default) or 'all'")
    find.add_argument("--limit", type=int, default=10)
    find.add_argument("--json", action="store_true", help="print one JSON object")
    find.add_argument(
        "--no-translate", action="store_true", help="search the words as written, even in another language's index"
    )
    find.add_argument("query", nargs="+", metavar="QUERY")
    show = command("show", _show, "an article, paragraphs in order")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    show.add_argument("doc_id", metavar="DOC_ID")
    related = command("related", _related, "other stories on an article's subject, in any language")
    related.add_argument("--limit", type=int, default=10)
    related.add_argument("--json", action="store_true", help="print one JSON object")
    related.add_argument("doc_id", metavar="DOC_ID")
    return parser


def _build(args) -> int:
    if args.cluster:
        return _build_on_cluster(args)
    with _ProgressBar() as bar:
        report = build_index(
            args.index_dir,
            args.paths,
            progress=bar.advance,
            inputs_found=bar.start,
            analysis=args.analysis,
            jobs=args.jobs,
        )
    _print_report(report, "built")
    return 0


def _build_on_cluster(args) -> int:
    """A sharded build on a Dask cluster (imported here: Dask is needed only with --cluster)."""
    from indexer.cluster import build_sharded_index, connect_or_report

    cluster = connect_or_report(args.cluster)
    if cluster is None:
        return 1
    with cluster:
        report = build_sharded_index(args.index_dir, args.paths, cluster, args.shards, args.analysis)
    _print_report(report, "built")
    return 0


def _add(args) -> int:
    with _ProgressBar() as bar:
        report = add_articles(args.index_dir, args.paths, progress=bar.advance, inputs_found=bar.start)
    _print_report(report, "added or replaced")
    return 0


def _remove(args) -> int:
    report = remove_articles(args.index_dir, args.ids)
    print(f"removed {len(report.removed)} article(s)")
    for doc_id in report.not_found:
        print(f"not found: {doc_id}")
    _print_lexicon(report)
    _print_languages(report.languages)
    return 0


def _print_report(report: WriteReport, verb: str) -> None:
    total = sum(report.written.values())
    print(f"{verb} {total} article(s) in {report.seconds:.1f} s (generation {report.generation})")
    _print_lexicon(report)
    _print_languages(report.languages)
    if report.problems:
        print(f"skipped {len(report.problems)} input(s):")
        for problem in report.problems:
            print(f"  {problem}")


def _print_lexicon(report: WriteReport) -> None:
    """What mining the lexicon made, when the write mined it."""
    mined = report.lexicon
    if not mined:
        return
    kept = (
        f" ({mined.reused_language_pairs} of {mined.language_pairs} language pairs unchanged)"
        if mined.reused_language_pairs
        else ""
    )
    print(f"lexicon: {mined.translations:,} translations from {mined.aligned_pairs:,} aligned passage pairs{kept}, "
          f"{mined.bytes / 1e6:.1f} MB, {mined.seconds:.1f} s")  # fmt: skip


def _print_languages(languages: dict[str, dict[str, int]]) -> None:
    print(f"{'lang':<6} {'language':<20} {'articles':>9} {'passages':>9}")
    for lang, counts in languages.items():
        print(f"{lang:<6} {english_name(lang):<20} {counts['articles']:>9} {counts['passages']:>9}")


def _stats(args) -> int:
    stats = index_stats(args.index_dir)
    print(f"generation {stats['generation']} (built {stats['created']})")
    _print_languages(stats["languages"])
    print(
        f"total  {len(stats['languages'])} languages, {stats['articles']} articles, "
        f"{stats['passages']} passages, {stats['bytes'] / 1e6:.1f} MB on disk"
    )
    return 0


def _search(args) -> int:
    translate = False if args.no_translate else None
    query = " ".join(args.query)
    result = search(open_any_index_set(args.index_dir), query, lang=args.lang, limit=args.limit, translate=translate)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    lang = result["lang"]
    at_least = "+" if result["total_relation"] == "gte" else ""
    print(f"{result['total']}{at_least} article(s) in {lang['used']} ({lang['how']}), {result['took_ms']:.0f} ms")
    if result["ignored_words"]:
        print(f"not matched on: {' '.join(result['ignored_words'])}")
    for word in result["translated"]:
        weights = [weight for _, weight in word["to"]]
        terms = ", ".join(f"{shown} {weight}" for shown, weight in zip(word["words"], weights, strict=True))
        terms = terms or "(no translation)"
        print(f"translated into {word['lang']}: {word['from']} -> {terms}")
    for number, hit in enumerate(result["hits"], start=1):
        where = "headline" if hit["passage"]["index"] is None else f"paragraph {hit['passage']['index']}"
        print(f"\n{number}. [{hit['lang']}] {_terminal_marks(hit['title_highlight'])}")
        print(f"   {hit['doc_id']} · {where} · score {hit['score']}")
        print(f"   {_terminal_marks(hit['passage']['highlight'])}")
    return 0


def _terminal_marks(highlighted: str) -> str:
    """Turn `<mark>` into bold reverse video on a terminal, brackets elsewhere; unescape the rest."""
    start, end = ("\033[1;7m", "\033[0m") if sys.stdout.isatty() else ("[", "]")
    return html.unescape(highlighted.replace("<mark>", start).replace("</mark>", end))


def _show(args) -> int:
    article = get_article(open_any_index_set(args.index_dir), args.doc_id)
    if article is None:
        print(f"error: no article {args.doc_id!r}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(article, ensure_ascii=False, indent=1))
        return 0
    print(f"{article['title']}\n[{article['lang']}] {article['doc_id']} · {article['source']} · {article['url']}")
    for paragraph in article["paragraphs"]:
        print(f"\n{paragraph['index']}. {paragraph['text']}")
    if article["byline"]:
        print(f"\n{article['byline']}")
    for translation in article["translations"]:
        print(f"translation [{translation['lang']}]: {translation['doc_id']}")
    return 0


def _related(args) -> int:
    found = related_articles(open_any_index_set(args.index_dir), args.doc_id, limit=args.limit)
    if found is None:
        print(f"error: no article {args.doc_id!r}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
        return 0
    article = found["article"]
    print(f"[{article['lang']}] {article['title']} ({article['doc_id']})")
    for translation in found["translations"]:
        print(f"translation [{translation['lang']}]: {translation['title']} ({translation['doc_id']})")
    for number, story in enumerate(found["related"], start=1):
        print(f"\n{number}. story {story['group']} · {', '.join(story['languages'])} · score {story['score']}")
        for related in story["articles"]:
            shared = f" · shared: {', '.join(related['shared'])}" if related["shared"] else ""
            print(f"   [{related['lang']}] {related['title']} ({related['doc_id']}) · {related['score']}{shared}")
    return 0


class _ProgressBar:
    """A tqdm bar over the inputs, shown only on a terminal."""

    def __init__(self):
        self.bar = None

    def __enter__(self):
        return self

    def start(self, inputs) -> None:
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=len(inputs), unit="input", desc="indexing", file=sys.stderr)

    def advance(self, _input) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()
