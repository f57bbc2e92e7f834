"""One error shape: `{"error": {"code", "message"}}` for the API, a readable page for people."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from indexer import IndexDirError


class BadParameter(HTTPException):
    """A request parameter is missing or out of range (400), with a message naming it."""

    code = 400


class IndexUnavailable(HTTPException):
    """No index has been built yet, or it cannot be read (503)."""

    code = 503


def error_body(status: int, code: str, message: str):
    """Return the JSON error response every API error uses."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def register(app: Flask) -> None:
    """Install handlers so every HTTP error (and any crash) answers in the shape the client reads."""

    @app.before_request
    def refuse_large_bodies():
        """Nothing here reads a body, so an oversized one is refused before routing (413)."""
        limit = app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge(f"request bodies are limited to {limit} bytes")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        if _wants_json():
            response = error_body(error.code or 500, code, error.description or error.name)
            if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return render_template("error.html", status=error.code, message=error.description), error.code

    @app.errorhandler(IndexDirError)
    def index_unavailable(error: IndexDirError):
        return http_error(IndexUnavailable(str(error)))

    @app.errorhandler(Exception)
    def crash(error: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return http_error(InternalServerError("the server failed to answer; the error is logged"))
