"""`python -m search_app --index-dir DIR [--host 127.0.0.1] [--port 8000] [--cluster SCHEDULER|local:N]`: serve Setu."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from waitress import serve

from indexer.generations import IndexDirError, current_generation
from indexer.search import warm
from search_app import create_app

# Worker threads of the WSGI server: searches are CPU-bound in Python, so a few suffice.
SERVER_THREADS = 8


def main(argv: list[str] | None = None) -> int:
    """Serve the app on host:port until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m search_app", description="Serve Setu's search pages and API.")
    parser.add_argument("--index-dir", required=True, type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=SERVER_THREADS)
    parser.add_argument("--cluster", metavar="SCHEDULER", help="search on a Dask cluster: its address, or local:N")
    args = parser.parse_args(argv)
    try:
        if current_generation(args.index_dir) is None:
            raise IndexDirError(f"no index in {args.index_dir}: run `python -m indexer build` first")
    except IndexDirError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.cluster:
        return _serve_on_cluster(args)
    app = create_app({"INDEX_DIR": str(args.index_dir)})
    warm(app.extensions["setu.indexes"].current())  # the first Korean reader should not wait for Kiwi to load
    print(f"Setu is serving {args.index_dir} at http://{args.host}:{args.port}/", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="setu")
    return 0


def _serve_on_cluster(args) -> int:
    """Serve a sharded index directory whose shards are searched on a Dask cluster (Dask imported only here)."""
    from indexer.cluster import Cluster, ClusterError
    from indexer.distributed_search import LiveClusterIndexSet

    try:
        cluster = Cluster(args.cluster)
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
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
