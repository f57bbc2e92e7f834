"""Corpus readers: seed-style text files, JSON Lines and line-aligned parallel folders → Articles.

Bad input never stops a read: each broken file or line becomes a `Problem`
(file, line, reason) and everything else is still read.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from indexer.documents import Article, Problem, UnpairedSurrogate, reject_unpaired_surrogates
from indexer.languages import UnknownLanguage, canonical_language, detect_language

PARALLEL_MARKER = "DOCUMENT_IDS.tsv"
UNDETERMINED = "und"

# How many paragraphs at most language detection reads: enough to be sure, cheap on long articles.
DETECTION_PARAGRAPHS = 3
# Longest headline or paragraph accepted, in characters: longer is data, not prose (a dump on one line).
MAX_PARAGRAPH_CHARS = 100_000
# Largest file read; a corpus file bigger than this is refused before it is loaded into memory.
MAX_FILE_BYTES = 512 * 1024 * 1024

# Trailer lines of a seed-style article, recognized by shape in any language.
_COUNTER_LINE = re.compile(r"^(?P<label>[^\d():]{1,40}?)\s*\(\s*(?P<count>\d{1,9})\s*\)$")
_SOURCE_LINE = re.compile(r"^(?P<label>[^:/]{1,40}):\s*(?P<url>https?://\S+)$")
_BYLINE = re.compile(r"^(?P<label>[^:/]{1,40}):\s*(?P<names>[^:]{1,100})$")

_REQUIRED_JSON_FIELDS = ("id", "title", "paragraphs")
_OPTIONAL_JSON_FIELDS = ("lang", "group", "url", "byline", "published", "source")


@dataclass(frozen=True)
class CorpusInput:
    """One thing to read: a file of articles, or a parallel folder, and the root its ids are relative to."""

    kind: str  # "text", "jsonl" or "parallel"
    path: Path
    root: Path


class UnreadableFile(Exception):
    """A file that cannot be read as text; its message is the reason reported."""


def find_inputs(paths: Iterable[str | os.PathLike]) -> tuple[list[CorpusInput], list[Problem]]:
    """Walk the given files and folders (recursively, symlink loops cut) into readable inputs."""
    inputs: list[CorpusInput] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            _walk_folder(path, inputs, problems)
        elif path.is_file():
            _add_file(path, path.parent, inputs, problems, explicit=True)
        else:
            problems.append(Problem(str(path), None, "no such file or folder"))
    return inputs, problems


def _walk_folder(root: Path, inputs: list[CorpusInput], problems: list[Problem]) -> None:
    seen: set[tuple[int, int]] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True, onerror=None):
        here = Path(folder)
        try:
            stat = here.stat()
        except OSError as error:
            problems.append(Problem(str(here), None, f"cannot open folder: {error.strerror}"))
            subfolders[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            problems.append(Problem(str(here), None, "symlink loop: folder already read"))
            subfolders[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        if PARALLEL_MARKER in files:
            inputs.append(CorpusInput("parallel", here, root))
            continue
        for name in sorted(files):
            if not name.startswith("."):
                _add_file(here / name, root, inputs, problems, explicit=False)


def _add_file(path: Path, root: Path, inputs: list[CorpusInput], problems: list[Problem], explicit: bool) -> None:
    if path.name == PARALLEL_MARKER:
        inputs.append(CorpusInput("parallel", path.parent, path.parent.parent))
    elif path.suffix.lower() == ".txt":
        inputs.append(CorpusInput("text", path, root))
    elif path.suffix.lower() == ".jsonl":
        inputs.append(CorpusInput("jsonl", path, root))
    elif explicit:
        problems.append(Problem(str(path), None, "not a corpus file (expected .txt, .jsonl or DOCUMENT_IDS.tsv)"))


def read_corpus(paths: Iterable[str | os.PathLike]) -> Iterator[Article | Problem]:
    """Yield every article under `paths` once, and a Problem for each input skipped."""
    inputs, problems = find_inputs(paths)
    yield from problems
    yield from read_inputs(inputs)


def read_inputs(inputs: Iterable[CorpusInput]) -> Iterator[Article | Problem]:
    """Read inputs in order, reporting ids already seen as duplicates."""
    yield from drop_duplicate_ids(item for corpus_input in inputs for item in read_input(corpus_input))


def drop_duplicate_ids(items: Iterable[Article | Problem]) -> Iterator[Article | Problem]:
    """The items in order, each article whose id came before replaced by a Problem naming where it first came."""
    first_seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Article):
            if item.id in first_seen:
                reason = f"duplicate id {item.id!r} (first read from {first_seen[item.id]})"
                yield Problem(item.origin, item.origin_line, reason)
                continue
            first_seen[item.id] = item.where
        yield item


def read_input(corpus_input: CorpusInput) -> Iterator[Article | Problem]:
    """Read one input with the reader its kind calls for."""
    reader = {"text": read_text_article, "jsonl": read_jsonl, "parallel": read_parallel_folder}[corpus_input.kind]
    try:
        yield from reader(corpus_input.path, corpus_input.root)
    except UnreadableFile as error:
        yield Problem(str(corpus_input.path), None, str(error))


def read_text(path: Path) -> str:
    """Return a file's text: UTF-8 (BOM allowed) or UTF-16 with a BOM; CRLF read as LF."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnreadableFile(f"file is larger than {MAX_FILE_BYTES // 2**20} MB")
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from error
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    if encoding != "utf-16" and b"\x00" in raw:
        raise UnreadableFile("binary data, not text")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise UnreadableFile(f"not {label} text (invalid byte at offset {error.start})") from error
    if "\x00" in text:
        raise UnreadableFile("binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _relative_id(path: Path, root: Path) -> str:
    try:
        relative = path.relative_to(root)
    except ValueError:
        relative = Path(path.name)
    return relative.with_suffix("").as_posix()


def read_text_article(path: Path, root: Path) -> Iterator[Article | Problem]:
    """Read a seed-style article: headline, paragraphs, then byline, source URL and comment counter."""
    lines = [line.strip() for line in read_text(path).split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        yield Problem(str(path), None, "empty file")
        return
    body, trailer = split_trailer(lines[1:])
    yield make_article(
        {"id": _relative_id(path, root), "title": lines[0], "paragraphs": body, **trailer},
        path,
    )


def split_trailer(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Split the byline, source and comment-counter lines off the end of an article body.

    They are recognized by shape (`label: names`, `label: URL`, `word (N)`), so any
    language's labels work. A byline counts only next to a source or counter line,
    so a short last paragraph with a colon stays a paragraph.
    """
    found: dict[str, str] = {}
    end = len(lines)
    while end > 0:
        line = lines[end - 1]
        if "counter" not in found and _COUNTER_LINE.match(line):
            found["counter"] = line
        elif "url" not in found and (match := _SOURCE_LINE.match(line)):
            found["url"] = match["url"]
        elif "byline" not in found and found and (match := _BYLINE.match(line)):
            found["byline"] = match["names"].strip()
        else:
            break
        end -= 1
    found.pop("counter", None)
    return lines[:end], found


def read_jsonl(path: Path, root: Path) -> Iterator[Article | Problem]:
    """Read JSON Lines, one article per line; a bad line is reported by number and skipped."""
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Problem(str(path), number, f"invalid JSON: {error.msg}")
            continue
        reason = _invalid_record_reason(record)
        if reason:
            yield Problem(str(path), number, reason)
            continue
        yield make_article(record, path, number)


def _invalid_record_reason(record: object) -> str | None:
    if not isinstance(record, dict):
        return "a line must hold a JSON object"
    for name in _REQUIRED_JSON_FIELDS:
        if name not in record or record[name] is None:
            return f"missing required field {name!r}"
    if not isinstance(record["id"], str) or not record["id"].strip():
        return "field 'id' must be a non-empty string"
    if not isinstance(record["title"], str) or not record["title"].strip():
        return "field 'title' must be a non-empty string"
    paragraphs = record["paragraphs"]
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        return "field 'paragraphs' must be a list of strings"
    for name in _OPTIONAL_JSON_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            return f"field {name!r} must be a string"
    return None


def read_parallel_folder(folder: Path, root: Path) -> Iterator[Article | Problem]:
    """Read a line-aligned folder: DOCUMENT_IDS.tsv names each line's article in every `<name>.<lang>.txt`."""
    ids = [line.split("\t")[0].strip() for line in read_text(folder / PARALLEL_MARKER).split("\n")]
    if ids and ids[-1] == "":
        ids.pop()
    for path in sorted(folder.glob("*.txt")):
        code = path.stem.rpartition(".")[2]
        try:
            lang = canonical_language(code)
        except UnknownLanguage:
            yield Problem(str(path), None, f"file name names no language ({code!r})")
            continue
        try:
            lines = read_text(path).split("\n")
        except UnreadableFile as error:
            yield Problem(str(path), None, str(error))
            continue
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(ids):
            yield Problem(str(path), None, f"has {len(lines)} lines but {PARALLEL_MARKER} has {len(ids)}")
            continue
        yield from _parallel_articles(ids, lines, lang, path)


def _parallel_articles(ids: list[str], lines: list[str], lang: str, path: Path) -> Iterator[Article | Problem]:
    start = 0
    for end in range(1, len(ids) + 1):
        if end < len(ids) and ids[end] == ids[start]:
            continue
        doc_id = ids[start]
        texts = [line.strip() for line in lines[start:end]]
        texts = [text for text in texts if text]
        if not doc_id:
            yield Problem(str(path), start + 1, "empty document id")
        elif not texts:
            yield Problem(str(path), start + 1, f"document {doc_id!r} has no text")
        else:
            record = {
                "id": f"{doc_id}-{lang}",
                "title": texts[0],
                "paragraphs": texts[1:],
                "lang": lang,
                "group": doc_id,
                "source": doc_id.partition(".")[0] if "." in doc_id else "",
            }
            yield make_article(record, path, start + 1)
        start = end


def make_article(record: dict, path: Path, line: int | None = None) -> Article | Problem:
    """Build an Article from reader fields: normalize the language, default the group, check the date."""
    title = record["title"].strip()
    paragraphs = tuple(p.strip() for p in record["paragraphs"] if p.strip())
    try:
        for text in (record["id"], title, *paragraphs, *(record.get(name) or "" for name in _OPTIONAL_JSON_FIELDS)):
            reject_unpaired_surrogates(text)
    except UnpairedSurrogate as error:
        return Problem(str(path), line, f"not valid text: {error}")
    longest = max(len(text) for text in (title, *paragraphs))
    if longest > MAX_PARAGRAPH_CHARS:
        return Problem(str(path), line, f"a line of {longest:,} characters (limit {MAX_PARAGRAPH_CHARS:,}): not prose")
    try:
        lang = _article_language(record.get("lang"), title, paragraphs)
    except UnknownLanguage as error:
        return Problem(str(path), line, str(error))
    published = (record.get("published") or "").strip()
    if published and not _is_iso_date(published):
        return Problem(str(path), line, f"field 'published' is not an ISO 8601 date: {published!r}")
    url = (record.get("url") or "").strip()
    return Article(
        id=record["id"].strip(),
        title=title,
        paragraphs=paragraphs,
        lang=lang,
        group=(record.get("group") or "").strip() or url or record["id"].strip(),
        url=url,
        byline=(record.get("byline") or "").strip(),
        published=published[:10],
        source=(record.get("source") or "").strip() or _host(url),
        origin=str(path),
        origin_line=line,
    )


def _article_language(given: str | None, title: str, paragraphs: tuple[str, ...]) -> str:
    if given and given.strip():
        return canonical_language(given)
    sample = "\n".join((title, *paragraphs[:DETECTION_PARAGRAPHS]))
    return detect_language(sample).lang or UNDETERMINED


def _is_iso_date(text: str) -> bool:
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")
