"""Builds and searches on a Dask cluster: imported only with --cluster, since Dask is heavy to load."""

from indexer.cluster.build import build_sharded_index
from indexer.cluster.client import Cluster, connect_or_report
from indexer.cluster.search import ClusterIndexSet, LiveClusterIndexSet

__all__ = ["Cluster", "ClusterIndexSet", "LiveClusterIndexSet", "build_sharded_index", "connect_or_report"]
