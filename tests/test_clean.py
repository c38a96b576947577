"""Cleaning scraped article text: furniture out, repeats out, spacing normalised, the rest untouched."""
import pytest
from hypothesis import example, given, settings, strategies as st

from search.ingest.clean import clean_text, clean_title, is_furniture

BODY = [
    "Di sebuah pabrik yang memproduksi mesin untuk rudal jelajah dan drone, Kim Jong-un menyerukan produksi.",
    "Perhentian Kim Jong-un juga termasuk pabrik senjata kecil, di mana dia menekankan perlunya modernisasi.",
    "Foto-foto yang diterbitkan oleh media pemerintah menunjukkan Kim menembakkan dua senapan berbeda.",
]


@pytest.mark.parametrize("line", [
    "loading...", "Loading", "A", "A A A", "A- A+", "SCROLL TO CONTINUE WITH CONTENT", "ADVERTISEMENT",
    "ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT", "Advertisement", "Iklan",
    "Baca juga: Banjir Merendam Bekasi", "Baca Juga: Nikita Mirzani: Gue Sudah Memaafkan Jupe", "BACA JUGA: X",
    "[Baca juga: Djadjang Nurdjaman Berniat Mundur dari Persib]", "(Baca juga: Lewis Hamilton Bakal Terima Gaji)",
    "Baca_Juga", "Baca juga:", "Baca: Menurut Luis Milla, Indonesia Punya Satu Keunggulan", "Lihat juga: Video lain",
    "SIMAK JUGA: Inter Raih Empat Kemenangan Beruntun", "Simak Video 'Anwar Usman Diberhentikan':",
    "Simak juga Video: Misbakhun Tanggapi Defisit APBN", "Tonton juga video \"Ekspor Udang\" di sini:",
    "Saksikan Live Detikpagi :", "[Gambas:Video 20detik]", "(Gambas:Video CNN)", "[Gambas:Instagram]",
    "Lihat Foto", "Load More...", "COPYRIGHT © ANTARA 2015", "© 2007 - 2015 okezone.com, All Rights Reserved",
    "Copyright © detikcom, All Rights Reserved", "Editor: Ade Marboen", "Pewarta: Nur Imansyah",
    "| Penulis | : Nabilla Tashandra |", "Penulis: Dwi Widijatmiko", "Reporter: M. Yazid", "Fotografer: Grandyos Zafna",
    "(ard)", "(res / res)", "[sau]", "(kpl/pur/tch)", "(Cas/Isk)", "(Uu. H - RF / I015)",
    "- Kamis, 05/11/2015 09:25 WIB", "Jumat , 17 February 2017, 13:16 WIB", "Selasa, 21 Okt 2025 20:43 WIB",
    "* * *", "---", "–", "Dapatkan update berita pilihan setiap hari dari Kompas.com di Google News",
    "Ikuti kami di WhatsApp Channel", "Bagikan:", "Facebook Twitter WhatsApp", "telah dilihat 3584 kali",
    "Disclaimer : Komentar adalah tanggapan pribadi", "Home > Berita",
])
def test_furniture_lines(line):
    assert is_furniture(line)
    assert clean_text(line + "\n" + BODY[0]) == BODY[0]


@pytest.mark.parametrize("line", [
    "Lihat saja kondisi jalan di Jakarta yang rusak parah setelah banjir.",
    "Sumber: Media Daring",
    "Hak cipta lagu itu dimiliki oleh label rekamannya sejak 1998.",
    "Editor buku itu, kata dia, menolak mengubah isi bab terakhir karena alasan etika penerbitan yang ketat.",
    "Babak kedua",
    "Anak-anak diungsikan ke masjid.",
    "2 - 1",
    "Baca juga bagaimana warga menolak relokasi: mereka menulis surat kepada gubernur, lalu berdemonstrasi di depan "
    "kantor wali kota selama tiga hari berturut-turut sampai pemerintah akhirnya mengundang mereka berdialog.",
])
def test_text_that_is_not_furniture_is_kept(line):
    assert not is_furniture(line)
    assert line in clean_text(line)


def test_seed_style_page_keeps_the_body_once():
    page = "loading...\nA\nA\nA\n" + "\n".join(BODY) + "\n" + "\n".join(BODY[1:])
    assert clean_text(page) == "\n\n".join(BODY)


def test_whole_body_repeated_inside_one_paragraph():
    flattened = " ".join(BODY) + " " + " ".join(BODY)
    assert clean_text(flattened) == " ".join(BODY)


def test_repeated_sentence_run_inside_a_later_paragraph():
    text = BODY[0] + "\n\n" + BODY[1] + " " + BODY[2] + " Kalimat baru yang belum pernah muncul di berita ini sebelumnya."
    text += "\n\n" + BODY[1] + " " + BODY[2] + " Penutup berita."
    cleaned = clean_text(text)
    assert cleaned.count(BODY[1]) == 1 and cleaned.count(BODY[2]) == 1
    assert cleaned.endswith("Penutup berita.")


@pytest.mark.parametrize("raw, cleaned", [
    ("Tidak ada yang perlu dikhawatirkanJakarta (ANTARA) - Politikus itu berkata tidak ada yang perlu dikhawatirkan.",
     "Jakarta (ANTARA) - Politikus itu berkata tidak ada yang perlu dikhawatirkan."),
    ("IHSG berpotensi melemah.Bandung, Jawa Barat (ANTARA) - Indeks dibuka turun.",
     "IHSG berpotensi melemah.\n\nBandung, Jawa Barat (ANTARA) - Indeks dibuka turun."),
    ("Jakarta (ANTARA) - Indeks dibuka turun.", "Jakarta (ANTARA) - Indeks dibuka turun."),
    ("Layanan GoRideJakarta (ANTARA) - Gojek memperluas jaringan.",
     "Layanan GoRide\n\nJakarta (ANTARA) - Gojek memperluas jaringan."),
])
def test_pull_quote_glued_to_the_dateline(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_short_repeated_lines_are_kept():
    text = "Babak pertama\n\nPersib unggul satu gol.\n\nBabak kedua\n\nBabak pertama"
    assert clean_text(text).count("Babak pertama") == 2


@pytest.mark.parametrize("raw, cleaned", [
    ("Jakarta, CNN Indonesia - - Ramen merupakan makanan.", "Jakarta, CNN Indonesia - Ramen merupakan makanan."),
    ("Jakarta - - - Hujan turun.", "Jakarta - Hujan turun."),
    ("Anak-anak bermain di COVID-19 zone - sore hari.", "Anak-anak bermain di COVID-19 zone - sore hari."),
    ("Harga  naik\t\u00a0 tajam .", "Harga naik tajam ."),
    ("Bisik - bisik soal undang - undang , kata teman - temannya .", "Bisik-bisik soal undang-undang , kata teman-temannya ."),
    ("Timnas U - 23 juara ke - 2 , pakai e - KTP .", "Timnas U-23 juara ke-2 , pakai e-KTP ."),
    ("Merdeka.com - Hari - hari (anak - anak) jalan - jalan.", "Merdeka.com - Hari-hari (anak-anak) jalan-jalan."),
    ("Anak - anak-anak dan kupu - kupu - kupu", "Anak - anak-anak dan kupu-kupu - kupu"),
    ("Jakarta - Hujan turun, skor 1 - 1 dan Persib - Arema imbang.", "Jakarta - Hujan turun, skor 1 - 1 dan Persib - Arema imbang."),
    ("Kata\u200b dia", "Kata dia"),
    ("Satu.\r\nDua.\rTiga.", "Satu.\n\nDua.\n\nTiga."),
    ("  \n\n  ", ""),
    ("", ""),
    ("IHSG ditutup menguat, kata dia.Pewarta: Ilham Yude PratamaEditor: Budi Suyanto COPYRIGHT © ANTARA 2023",
     "IHSG ditutup menguat, kata dia."),
    ("Kami dapat poin penuh, kata Widyantoro. Baca juga: Persiraja Banda Aceh taklukkan Sriwijaya FC 2-0Pewarta: Aldi "
     "SultanEditor: Irwan Suhirwandi COPYRIGHT © ANTARA 2023", "Kami dapat poin penuh, kata Widyantoro."),
    ("Polisi siaga, katanya. Baca juga: Operasi Zebra bidik parkir liar Polda Metro Jaya mengerahkan 2.939 personel. "
     "Operasi berlangsung dua pekan.", "Polisi siaga, katanya. Baca juga: Operasi Zebra bidik parkir liar Polda Metro "
     "Jaya mengerahkan 2.939 personel. Operasi berlangsung dua pekan."),  # no safe end: article words are kept
    ("Ia ngamuk, paparnya. Baca: Sebelum Tusuk Abdul Rachman, Pelaku Cari Dua Ustaz Lain di Depok Menurut Lola, "
     "tetangga sekitar tahu.", "Ia ngamuk, paparnya. Menurut Lola, tetangga sekitar tahu."),
    ("Rakyat yang menang, katanya. Baca juga: AHY titip agenda perubahan kepada Prabowo Dia juga mengakui hal itu.",
     "Rakyat yang menang, katanya. Dia juga mengakui hal itu."),
    ("Harga kopi naik, kata Zikri. Baca juga: Jenis kopi dan manfaatnya untuk mood Untuk jenis arabika, rasanya manis.",
     "Harga kopi naik, kata Zikri. Untuk jenis arabika, rasanya manis."),
    ("Pihak sekolah tidak tahu. SCROLL TO CONTINUE WITH CONTENT Mereka baru tahu kemudian.",
     "Pihak sekolah tidak tahu. Mereka baru tahu kemudian."),
    ("Ledakan terdengar keras. [Gambas:Video CNN] Warga panik.", "Ledakan terdengar keras. Warga panik."),
])
def test_inline_cleaning(raw, cleaned):
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize("raw, repaired", [
    ("Nims CafÃ©, Jakarta", "Nims Café, Jakarta"),
    ("â€œKutipanâ€\x9d kata dia", "“Kutipan” kata dia"),
    ("SEOUL â€” Kim", "SEOUL — Kim"),
    ("CafÃƒÂ© dua kali", "Café dua kali"),  # encoded twice over
    ("Café, naïve, 20°C, Ã saja", "Café, naïve, 20°C, Ã saja"),  # real accents stay
])
def test_mojibake_is_repaired(raw, repaired):
    assert clean_text(raw) == repaired
    assert clean_title(raw) == repaired


def test_published_text_is_otherwise_kept():
    text = "“Kami TIDAK setuju!” ujar Ketua DPR, Senin (27/3). Harga Rp 16.800 (naik 2,5%)."
    assert clean_text(text) == text


@pytest.mark.parametrize("raw, title", [
    ("  Banjir\n merendam   Bekasi ", "Banjir merendam Bekasi"),
    ("Kim Jong-un - - Inspeksi", "Kim Jong-un - Inspeksi"),
    ("", ""),
    ("Banjir\u2028Bekasi\x85hari\u1680ini\x1cpagi\u3000\u00a0", "Banjir Bekasi hari ini pagi"),
])
def test_clean_title(raw, title):
    assert clean_title(raw) == title


news_text = st.lists(
    st.one_of(
        st.sampled_from(BODY + ["loading...", "A", "Baca juga: X", "SCROLL TO CONTINUE WITH CONTENT", "- -", "",
                                "Pewarta: A Editor: B", "(ard)", "© 2020", ". . .", "Baca juga: a b. C d"]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
        st.text(alphabet="Aa bB.-:\n©([])\u00a0ÃÂâ€©\x9d\x80ke U", max_size=40),
    ),
    max_size=12,
).map(lambda parts: "\n".join(parts) if len(parts) % 2 else " ".join(parts))


@settings(max_examples=300, deadline=None)
@given(news_text)
@example(BODY[0] + " © 2020 A A A - - - - (ard) (ard) (ard)")  # dashes collapse, then the credit tail fits
@example("ÂÂÃ\x82\x80")  # mojibake in layers
@example("Baca juga: X loading... " + BODY[0] + " " + BODY[0])  # a link line once the repeat is gone
def test_clean_text_never_raises_and_is_idempotent(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\n\n\n" not in once
    assert once == once.strip()


def test_decomposed_accents_are_composed_in_body_and_title():
    decomposed = "Jose\u0301 Mourinho membuka kafe\u0301 baru di Lisboa."
    assert "José Mourinho" in clean_text(decomposed) and "kafé" in clean_text(decomposed)
    assert clean_title("Pokémon".replace("é", "e\u0301")) == "Pokémon"
    assert clean_text("Banjir melanda Bekasi.") == "Banjir melanda Bekasi."  # plain text untouched


def test_every_whitespace_but_the_space_is_non_printable():
    # clean._normalise_spaces relies on it to leave already-normal lines alone without splitting them.
    import sys
    assert [hex(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable() and c != 32] == []
