"""The JSON API against a real index: documented shapes, errors, CORS, and reopening after a rebuild."""

from __future__ import annotations

import json
import shlex
import shutil
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator

from indexer.build.pipeline import build_index
from indexer.generations import current_generation
from search_app import create_app

from .conftest import DATA, ROOT

OPENAPI = json.loads((ROOT / "search_app" / "openapi.json").read_text(encoding="utf-8"))


def validate(response, path: str) -> dict:
    """Check a real response against the OpenAPI document's schema for its path and status."""
    documented = OPENAPI["paths"][path]["get"]["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    data = response.get_json()
    Draft202012Validator({**schema, "components": OPENAPI["components"]}).validate(data)
    return data


@pytest.fixture(scope="module")
def client(built_index):
    return create_app({"INDEX_DIR": str(built_index), "TESTING": True}).test_client()


def test_the_openapi_document_is_served_and_its_schemas_are_valid(client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == OPENAPI
    assert served["openapi"].startswith("3.")
    for schema in OPENAPI["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_korean_search_returns_highlighted_passages_linked_to_translations(client):
    response = client.get("/api/v1/search?q=" + quote("사회복지"))
    assert response.status_code == 200
    data = validate(response, "/api/v1/search")
    assert data["lang"]["used"] == "ko"
    seed = next(h for h in data["hits"] if h["doc_id"] == "001_e7969bfd07bd7312")
    assert "<mark>사회복지" in seed["passage"]["highlight"]
    assert "000_aaa99257ef590384" in {t["doc_id"] for t in seed["translations"]}


def test_answers_are_utf8_json_with_the_text_as_written_and_sorted_keys(client):
    response = client.get("/api/v1/search?q=" + quote("사회복지") + "&facets=true")
    assert response.mimetype == "application/json"
    assert "<mark>사회복지".encode() in response.data and b"\\u" not in response.data
    assert response.data.endswith(b"\n")
    data = json.loads(response.data)
    assert list(data) == sorted(data) and data["hits"]
    assert list(data["hits"][0]) == sorted(data["hits"][0])


def test_per_passage_limit_and_offset_page_through_results(client):
    first = validate(client.get("/api/v1/search?q=" + quote("사회복지") + "&per=passage&limit=2"), "/api/v1/search")
    second = client.get("/api/v1/search?q=" + quote("사회복지") + "&per=passage&limit=2&offset=2").get_json()
    assert len(first["hits"]) == 2 and first["total"] > 2
    seen = {(h["doc_id"], h["passage"]["index"]) for h in first["hits"]}
    assert seen.isdisjoint({(h["doc_id"], h["passage"]["index"]) for h in second["hits"]})


def test_a_malformed_query_is_answered_as_plain_words(client):
    data = validate(client.get("/api/v1/search?q=" + quote('"사회복지 OR')), "/api/v1/search")
    assert data["syntax"] == "plain words" and "unbalanced" in data["notice"]


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("", "'q' is required"),
        ("q=%20%20", "'q' is required"),
        ("q=" + "a" * 501, "longer than 500"),
        ("q=a&limit=0", "'limit' must be between 1 and 100"),
        ("q=a&limit=101", "'limit' must be between 1 and 100"),
        ("q=a&limit=ten", "'limit' must be an integer"),
        ("q=a&offset=-1", "'offset' must be between 0 and 10000"),
        ("q=a&offset=99999999999999999999", "'offset' must be between 0 and 10000"),
        ("q=a&per=sentence", "'per' must be"),
        ("q=a&lang=xx-nope", "'lang'"),
        ("q=a&q=b", "'q' is given more than once"),
        ("q=%ff%fe", "not valid UTF-8"),
    ],
)
def test_bad_parameters_get_400_with_the_json_error_shape(client, query_string, message):
    response = client.get("/api/v1/search?" + query_string)
    assert response.status_code == 400
    data = validate(response, "/api/v1/search")
    assert data["error"]["code"] == "bad_request"
    assert message in data["error"]["message"]


def test_documents_come_whole_and_unknown_ones_are_404(client):
    data = validate(client.get("/api/v1/documents/001_e7969bfd07bd7312"), "/api/v1/documents/{doc_id}")
    assert [p["index"] for p in data["paragraphs"]] == [0, 1, 2, 3, 4]
    nested = validate(client.get("/api/v1/documents/articles/vi/bao-can-tho"), "/api/v1/documents/{doc_id}")
    assert nested["lang"] == "vi"
    missing = client.get("/api/v1/documents/no-such-document")
    assert missing.status_code == 404
    assert validate(missing, "/api/v1/documents/{doc_id}")["error"]["code"] == "not_found"


def test_languages_and_health_report_counts(client):
    languages = validate(client.get("/api/v1/languages"), "/api/v1/languages")["languages"]
    korean = next(lang for lang in languages if lang["code"] == "ko")
    assert (korean["name"], korean["native_name"]) == ("Korean", "한국어")
    assert korean["articles"] >= 61
    health = validate(client.get("/healthz"), "/healthz")
    assert health["status"] == "ok" and health["articles"] == sum(lang["articles"] for lang in languages)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("post", "/api/v1/search?q=a", 405, "method_not_allowed"),
        ("delete", "/api/v1/documents/x", 405, "method_not_allowed"),
        ("get", "/api/v1/no-such-endpoint", 404, "not_found"),
    ],
)
def test_other_http_errors_use_the_same_json_shape(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_an_oversized_body_is_refused_with_413(client):
    response = client.get("/api/v1/search?q=a", data=b"x" * (65 * 1024))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_cross_origin_reads_are_allowed(client):
    response = client.get("/api/v1/languages", headers={"Origin": "https://tool.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/search", headers={"Origin": "https://tool.example"})
    assert preflight.status_code == 200 and "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_no_index_yet_is_a_503_not_a_crash(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "empty"), "TESTING": True}).test_client()
    response = client.get("/api/v1/search?q=a")
    assert response.status_code == 503
    assert "no index" in validate(response, "/api/v1/search")["error"]["message"]


def test_a_rebuild_is_served_without_restart_and_without_a_failed_request(tmp_path: Path):
    index_dir = tmp_path / "index"
    build_index(index_dir, [DATA / "jsonl"])
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    before = app.test_client().get("/healthz").get_json()["generation"]
    statuses: list[int] = []
    stop = threading.Event()

    def read_while_rebuilding():
        client = app.test_client()
        while not stop.is_set():
            statuses.append(client.get("/api/v1/search?q=library&lang=en").status_code)

    readers = [threading.Thread(target=read_while_rebuilding) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(3):
            build_index(index_dir, [DATA])
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert statuses and set(statuses) == {200}
    client = app.test_client()
    assert client.get("/healthz").get_json()["generation"] != before
    assert client.get("/api/v1/search?q=Mayor&lang=en").get_json()["total"] == 1


README_SERVER = "http://127.0.0.1:8000"


def readme_api_examples() -> list[str]:
    """The README's curl lines, as a reader would paste them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- api-examples -->", 1)[1].split("```")[1]
    return [line.strip() for line in block.splitlines() if line.startswith("curl ")]


def curl_request(line: str) -> tuple[str, str]:
    """The path and query string a README curl line sends (-G: every -d and --data-urlencode in the query)."""
    words, parts, url = shlex.split(line)[1:], [], None
    while words:
        word = words.pop(0)
        if word in ("-d", "--data-urlencode"):
            name, _, value = words.pop(0).partition("=")
            parts.append(f"{name}={quote(value) if word == '--data-urlencode' else value}")
        elif word.startswith(README_SERVER):
            url = word.removeprefix(README_SERVER)
    assert url is not None, f"no {README_SERVER} address in {line!r}"
    return url, "&".join(parts)


def listed(data: dict) -> int:
    """How many results an example's answer lists (hits, paragraphs, stories, languages...)."""
    if "status" in data:  # /healthz
        return data["articles"]
    keys = ("hits", "paragraphs", "related", "stories", "languages", "suggestions")
    return next(len(data[key]) for key in keys if key in data)


@pytest.mark.parametrize("line", readme_api_examples())
def test_the_readme_api_examples_return_results(client, line):
    base, query = curl_request(line)
    response = client.get(f"{base}?{query}" if query else base)
    assert response.status_code == 200
    templated = [path for path in OPENAPI["paths"] if path.endswith("/{doc_id}")]
    template = next((t for t in templated if base.startswith(t.removesuffix("{doc_id}"))), base)
    assert listed(validate(response, template)) > 0


def copy_of_index(built_index: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the test index to break on purpose, and its served generation's alignment store."""
    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    return index_dir, current_generation(index_dir) / "alignment.sqlite"


def test_an_unreadable_alignment_store_is_a_503_not_an_empty_list(built_index, tmp_path):
    index_dir, store = copy_of_index(built_index, tmp_path)
    store.write_bytes(b"this is not a database" * 100)
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    for path in ("/api/v1/related/001_e7969bfd07bd7312", "/api/v1/documents/001_e7969bfd07bd7312"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "alignment store" in response.get_json()["error"]["message"]


def test_a_missing_alignment_store_is_reported_and_search_still_answers(built_index, tmp_path, caplog):
    index_dir, store = copy_of_index(built_index, tmp_path)
    store.unlink()
    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    health = validate(client.get("/healthz"), "/healthz")
    assert health["alignment_store"] is False
    hits = client.get("/api/v1/search", query_string={"q": "사회복지"}).get_json()["hits"]
    assert hits and hits[0]["translations"] == []
    assert "alignment.sqlite is missing" in caplog.text


@pytest.mark.parametrize("words", ["Brexit", "zqxv"])
def test_words_no_vocabulary_or_several_hold_alike_are_reported_unsure_not_guessed(client, words):
    language = validate(client.get("/api/v1/search", query_string={"q": words}), "/api/v1/search")["lang"]
    assert language == {"used": "all", "detected": None, "how": "unsure"}  # Brexit: English, Thai, Vietnamese


@pytest.mark.parametrize("words", ["shark", "shark Brexit"])
def test_latin_words_only_english_articles_hold_are_searched_in_english_alone(client, words):
    answer = validate(client.get("/api/v1/search", query_string={"q": words}), "/api/v1/search")
    assert answer["lang"] == {"used": "en", "detected": "en", "how": "vocabulary"}
    assert answer["hits"] and {hit["lang"] for hit in answer["hits"]} == {"en"}
    assert not any(hit.get("also_matched") for hit in answer["hits"])  # no story said to match elsewhere
    page = client.get("/", query_string={"q": words}).get_data(as_text=True)
    assert 'Searched in <span lang="en">English</span>, the language of your words.' in page
