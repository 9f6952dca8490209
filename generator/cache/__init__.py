"""Everything a rebuild reuses, each keyed by a digest of what it was made from: ``data`` (the
aggregates of unchanged LMS exports, the metrics and findings of unchanged config), ``pages``
(course pages whose inputs did not change) and ``svgs`` (charts whose spec did not change)."""
