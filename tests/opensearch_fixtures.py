"""Articles for the OpenSearch tests: inflected words, names, accents, hyphens, digits, a wire story
printed twice (one near-duplicate cluster) and an undated article."""
from __future__ import annotations

import json
from pathlib import Path

WIRE = ("Presiden Joko Widodo meresmikan Bendungan Karian di Kabupaten Lebak, Banten, pada Kamis. "
        "Bendungan yang dibangun sejak 2015 itu akan mengairi sawah seluas 22.000 hektare dan menyediakan "
        "air baku bagi warga Tangerang, Serang, dan Jakarta. Menurut Jokowi, pembangunan bendungan-bendungan "
        "baru merupakan bagian dari upaya pemerintah memperkuat ketahanan pangan nasional. "
        "Peresmian dihadiri Menteri PUPR Basuki Hadimuljono serta para pejabat daerah.")

ARTICLES = [
    {"id": "bendungan-karian-antara", "title": "Presiden resmikan Bendungan Karian", "content": WIRE,
     "source": "antaranews", "date": "2021-03-04T14:00:00+07:00", "category": "nasional"},
    {"id": "bendungan-karian-kompas", "title": "Jokowi resmikan Bendungan Karian di Lebak",
     "content": WIRE.replace("pada Kamis", "pada Kamis siang"),
     "url": "https://nasional.kompas.com/read/2021/03/04/bendungan-karian", "date": "2021-03-04T15:30:00+07:00"},
    {"id": "kafe-josé", "title": "Kafé milik José Mourinho di Jakarta ramai dikunjungi",
     "content": "Kafé yang dikelola keluarga José Mourinho ramai dikunjungi penggemar sepak bola. "
                "Pengunjungnya berdatangan sejak pagi; ada yang rela antre berjam-jam demi berfoto. "
                "Pemiliknya mengatakan menu kopi Gayo dan Toraja paling diminati. Ça va!",
     "source": "detik", "date": "2019-08-17T09:00:00+07:00", "category": "gaya-hidup"},
    {"id": "covid-bekasi", "title": "Kasus COVID-19 di Bekasi menurun",
     "content": "Dinas Kesehatan Kota Bekasi mencatat penurunan kasus COVID-19 sebesar 12,5 persen. "
                "Wali Kota Bekasi Tri Adhianto meminta warga tetap menjalankan protokol kesehatan; "
                "anak-anak diimbau tidak bermain di kerumunan. Vaksinasi dosis ke-3 dipercepat.",
     "source": "liputan6", "date": "2022-02-10T10:00:00+07:00", "category": "kesehatan"},
    {"id": "korupsi-dana-desa", "title": "Penyelidikan korupsi dana desa berlanjut",
     "content": "Kejaksaan melanjutkan penyelidikan dugaan korupsi dana desa. Para tersangka diduga "
                "menyalahgunakan anggaran pembangunan jalan. Penyidik memeriksa puluhan saksi, termasuk "
                "perangkat desa dan kontraktor. Ketidakadilan dalam pembagian dana dikeluhkan warga; "
                "mereka berharap kejaksaan bertindak tegas dan transparan.",
     "source": "tempo", "date": "2018-11-20T08:00:00+07:00", "category": "hukum"},
    {"id": "tanpa-tanggal", "title": "Nelayan Kepulauan Seribu keluhkan cuaca",
     "content": "Para nelayan di Kepulauan Seribu mengeluhkan cuaca buruk yang membuat mereka tidak bisa "
                "melaut.\u2028Gelombang tinggi diperkirakan berlangsung sepekan. Mereka berharap bantuan "
                "pemerintah daerah segera disalurkan kepada keluarga nelayan yang terdampak.",
     "source": "kompas"},
    {"id": "sepak-bola", "title": "Timnas menang 3-1 atas Vietnam",
     "content": "Tim nasional Indonesia menang 3-1 atas Vietnam dalam laga persahabatan di Stadion Gelora "
                "Bung Karno. Pelatih Shin Tae-yong memuji permainan para pemain muda. Gol-gol Indonesia "
                "dicetak Witan Sulaeman, Egy Maulana Vikri, dan Marselino Ferdinan. Suporter bersorak-sorai. "
                "Laga itu bagian dari turnamen tahun-an China-ASEAN, dibuka dengan pembacaan Al-Quran.",
     "source": "bola", "date": "2023-06-14T21:00:00+07:00", "category": "olahraga"},
]

# Text of the same kind with words the fixture index never saw (for agreement on unseen words).
UNSEEN_TEXTS = [
    "Petani di Kabupaten Garut memanen cabai lebih awal karena khawatir harga anjlok. Penjualan "
    "dilakukan melalui koperasi, sementara pedagang pengumpul menawarkan harga yang lebih rendah.",
    "Kepolisian menyelidiki penyebab kebakaran gudang tekstil di Bandung. Pemadam kebakaran "
    "mengerahkan belasan mobil; kerugian ditaksir mencapai miliaran rupiah.",
]


def write_articles(folder: Path, articles=ARTICLES) -> Path:
    path = folder / "arsip.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def build_index(folder: Path, articles=ARTICLES) -> Path:
    from search.indexer import build

    index_dir = folder / "index"
    build([write_articles(folder, articles)], index_dir)
    return index_dir
