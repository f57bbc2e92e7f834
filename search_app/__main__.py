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

from indexer import IndexDirError, served_generation, warm
from search_app import create_app
from search_app.servers import PreforkServer, port_problem, waitress_server

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
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if args.cluster:
        return _serve_on_cluster(args)
    app = create_app({"INDEX_DIR": str(args.index_dir)})
    warm(app.extensions["setu.indexes"].current())  # the first Korean reader should not wait for Kiwi to load
    serving = f"Setu is serving {args.index_dir} at http://{args.host}:{args.port}/"
    if args.workers > 1:
        return PreforkServer(app, args, serving).run() or 0
    server = waitress_server(app, args.host, args.port, args.threads)
    print(serving, flush=True)
    server.run()
    return 0


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
        server = waitress_server(app, args.host, args.port, args.threads)
        print(f"Setu is serving {args.index_dir} on {args.cluster} at http://{args.host}:{args.port}/", flush=True)
        server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
