"""Shared fixtures: small articles written here, a temporary index built from them, a CLI runner."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

FIXTURE_ARTICLES = [
    {"id": "kebakaran-riau", "title": "Kebakaran hutan melanda Riau",
     "content": "Kebakaran hutan kembali melanda Provinsi Riau pada Selasa. Petugas pemadam kebakaran menembakkan air dari helikopter.\n\nWarga diminta menjauhi lokasi.",
     "url": "https://regional.kompas.com/read/2017/03/02/kebakaran-hutan-riau", "date": "2017-03-02T10:00:00+07:00", "category": "regional"},
    {"id": "banjir-bekasi", "title": "Banjir merendam Bekasi",
     "content": "Banjir setinggi satu meter merendam permukiman di Bekasi. Anak-anak diungsikan ke masjid.",
     "url": "https://news.detik.com/berita/d-123/banjir-merendam-bekasi", "date": "2019-01-05T08:00:00+07:00", "category": "nasional"},
    {"id": "senjata-polisi", "title": "Polisi sita persenjataan",
     "content": "Polisi menyita persenjataan dan kelompok bersenjata ditangkap di perbatasan.",
     "source": "antaranews", "date": "2021-07-10T12:00:00+07:00", "category": "hukum"},
]


@pytest.fixture
def articles_file(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in FIXTURE_ARTICLES) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def built_index(tmp_path: Path, articles_file: Path) -> Path:
    from search.indexer import build

    index_dir = tmp_path / "index"
    build([articles_file], index_dir)
    return index_dir


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
