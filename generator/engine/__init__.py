"""Aggregation: canonical rows into per-scope, per-period counts and sums. ``sql`` runs on an
embedded DuckDB (the default); ``spark`` runs the same SQL in a Spark session."""
