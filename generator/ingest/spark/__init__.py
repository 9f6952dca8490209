"""ingest.spark"""
