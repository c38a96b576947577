"""Data files the analyzer reads: stop words, stem corrections, protected words."""
