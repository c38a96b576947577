"""Warta on OpenSearch / Elasticsearch: export an index's analysis, mappings, query and articles,
and push them to a cluster. Imported by the CLI only inside its `opensearch` commands; pushing
needs the optional dependency group: pip install 'warta[opensearch]'.
"""
from search.opensearch.exporter import ExportFailed, ExportSummary, export

__all__ = ["ExportFailed", "ExportSummary", "export"]
