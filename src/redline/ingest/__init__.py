"""Readers: files, folders, JSONL, CSV, Parquet and WARC into Document, Raw and Skip items.

Readers never stop on one bad document or name: they yield a Skip with its reason, or repair
what can be repaired without losing the record (a lone surrogate, an undecodable file name, a
few stray bytes in UTF-8) and say so through the `redline.ingest` logger, which the command
line prints as `warning:` lines. They must not hold an input whole beyond the size limits.
"""
