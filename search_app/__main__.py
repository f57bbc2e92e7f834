"""`python -m search_app --index-dir DIR [--host 127.0.0.1] [--port 8000] [--workers N] [--cluster ...]`: serve Setu.

Searches are CPU-bound Python under one GIL per process, so with more than one worker the
app is served by gunicorn: the app, its indexes and Kiwi's model are loaded once before the
workers fork (`preload_app`), and each worker answers with a few threads. One worker, and
the cluster mode, use waitress.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gunicorn.app.base import BaseApplication
from waitress import serve

from indexer import IndexDirError, served_generation, warm
from search_app import create_app

# Threads per server process: searches are CPU-bound in Python, so a few suffice.
SERVER_THREADS = 4
# Server processes by default: one per core.
DEFAULT_WORKERS = os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    """Serve the app on host:port until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m search_app", description="Serve Setu's search pages and API.")
    parser.add_argument("--index-dir", required=True, type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=SERVER_THREADS, help="threads per server process")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="server processes (default: one a core)")
    parser.add_argument("--cluster", metavar="SCHEDULER", help="search on a Dask cluster: its address, or local:N")
    args = parser.parse_args(argv)
    try:
        served_generation(args.index_dir)
    except IndexDirError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.cluster:
        return _serve_on_cluster(args)
    app = create_app({"INDEX_DIR": str(args.index_dir)})
    warm(app.extensions["setu.indexes"].current())  # the first Korean reader should not wait for Kiwi to load
    serving = f"Setu is serving {args.index_dir} at http://{args.host}:{args.port}/"
    if args.workers > 1:
        return PreforkServer(app, args, serving).run() or 0
    print(serving, flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="setu")
    return 0


class PreforkServer(BaseApplication):
    """gunicorn around an app already built (and warmed) in this process, forked into `--workers` processes."""

    def __init__(self, app, args, serving: str):
        self.application = app
        self.options = {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread",
            "preload_app": True,
            "accesslog": None,
            "control_socket_disable": True,
            "graceful_timeout": 3,  # a stopped server stops: searches take milliseconds
            # No request-line limit of gunicorn's own (8 KB at most, or none): its 414 is an HTML page, while
            # the app refuses an overlong query itself with the JSON error shape (a 500-character Bengali
            # query is already 4.5 KB percent-encoded).
            "limit_request_line": 0,
            "when_ready": lambda server: print(serving, flush=True),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def _serve_on_cluster(args) -> int:
    """Serve a sharded index directory whose shards are searched on a Dask cluster (Dask imported only here)."""
    from indexer.cluster import LiveClusterIndexSet, connect_or_report

    cluster = connect_or_report(args.cluster)
    if cluster is None:
        return 1
    with cluster:
        indexes = LiveClusterIndexSet(args.index_dir, cluster)
        indexes.current()  # place the shard searchers before the first request
        app = create_app({"INDEX_DIR": str(args.index_dir), "CLUSTER_INDEXES": indexes})
        print(f"Setu is serving {args.index_dir} on {args.cluster} at http://{args.host}:{args.port}/", flush=True)
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="setu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
