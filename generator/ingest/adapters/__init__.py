"""ingest.adapters"""
