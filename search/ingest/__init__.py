"""Readers for the archive formats people have; each yields raw records or rejections."""
from search.ingest.readers import Rejection, RawRecord, read_inputs

__all__ = ["RawRecord", "Rejection", "read_inputs"]
