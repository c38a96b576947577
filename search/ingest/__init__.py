"""Readers for the archive formats people have; each yields raw records or rejections."""
from search.ingest.readers import SUPPORTED, read_inputs
from search.ingest.records import RawRecord, Rejection

__all__ = ["RawRecord", "Rejection", "SUPPORTED", "read_inputs"]
