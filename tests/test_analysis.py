"""The Indonesian analyzer: tokens, every word kept, hyphenated spellings, stemming guards, offsets,
speed path, learned names on each analyzer object."""
from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given, settings, strategies as st

from search import analysis
from search.analysis import (CapitalisationCounter, IndonesianAnalyzer, analyze, common_words, explain,
                             function_words, stem, term_positions)


def test_reduplication_stays_one_term():
    assert analyze("Anak-anak bermain") == ["anak", "main"]
    assert analyze("bertahun-tahun rumah-rumah anak-anaknya di-update") == ["tahun", "rumah", "anak", "update"]
    assert term_positions("anak-anak rumah-rumah warga") == {"anak": [0], "rumah": [1], "warga": [2]}


def test_hyphenated_words_are_their_parts_plus_the_joined_form():
    """"e-money": e and money at consecutive places (spaced spellings meet), emoney at the first."""
    assert term_positions("Kim Jong-un pakai e-money") == {
        "kim": [0], "jong": [1], "un": [2], "jongun": [1], "pakai": [3], "e": [4], "money": [5], "emoney": [4]}
    assert term_positions("COVID-19 naik") == {"covid": [0], "19": [1], "covid19": [0], "naik": [2]}
    analyzer = IndonesianAnalyzer()
    assert analyzer.width("e-money") == 2 and analyzer.width("anak-anak") == 1 and analyzer.width("warga") == 1


def test_every_word_is_indexed_function_words_and_old_stop_words_too():
    assert analyze("Polisi MENANGKAP tersangka yang mencuri di Bekasi") == [
        "polisi", "tangkap", "sangka", "yang", "curi", "di", "bekasi"]
    assert analyze("menteri luar negeri tahun baru naik tidak benar") == [
        "menteri", "luar", "negeri", "tahun", "baru", "naik", "tidak", "benar"]
    assert analyze("kasus korupsi di ibu kota") == ["kasus", "korupsi", "di", "ibu", "kota"]


@pytest.mark.parametrize("word", ["yang", "di", "ke", "dari", "dan", "ini", "itu", "dengan", "untuk",
                                  "siapa", "bagaimana", "pun"])
def test_function_words_are_listed(word):
    assert word in function_words()


@pytest.mark.parametrize("word", ["luar", "dalam", "baru", "naik", "benar", "masuk", "keluar", "pertama",
                                  "orang", "tidak", "bukan", "belum", "tanpa", "atas", "bawah", "lalu"])
def test_content_words_are_not_function_words(word):
    assert word not in function_words()
    assert word in common_words()  # they were on Sastrawi's stop list, and so were never indexed


_BACKTRACKING_TOKENS = re.compile(r"\w+(?:[-‐'’]\w+)*")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab1_é- ‐'’.\n") + ["\u0301", "ﷺ"]), max_size=40) | st.text(max_size=40))
def test_the_possessive_token_pattern_finds_what_the_backtracking_one_finds(text):
    spans = [m.span() for m in analysis.TOKEN_PATTERN.finditer(text)]
    assert spans == [m.span() for m in _BACKTRACKING_TOKENS.finditer(text)]


@pytest.mark.parametrize("text", ["*kami", "(kami)", "[[", "+62-812", "kami*", "__init__", "…", "ﷺ", "١٢٣"])
def test_odd_tokens_never_crash(text):
    analyze(text)


def test_words_sastrawi_raises_on_pass_through_unstemmed():
    assert stem("*kami") == "*kami"
    assert explain("*kami")[1] == "kept (digits/symbols)"


def test_explain_says_why():
    assert explain("perbankan") == ("bank", "correction")
    assert explain("bekasi") == ("bekasi", "protected")
    assert explain("menulis") == ("tulis", "stemmed")
    assert explain("covid-19")[0] == "covid-19"
    assert explain("kinerjanya") == ("kinerja", "stemmed")


def test_every_token_is_yielded_with_its_position():
    for removestops in (True, False):
        tokens = [(t.text, t.stopped, t.pos) for t in
                  IndonesianAnalyzer()("Banjir di Bekasi", positions=True, removestops=removestops)]
        assert tokens == [("banjir", False, 0), ("di", False, 1), ("bekasi", False, 2)]


def test_analyzer_pickles_without_names_or_caches():
    analyzer = IndonesianAnalyzer(names={"Dipati", "Sutarjo"})
    analyzer.term_positions("Dipati menulis berita " * 50)  # fill the caches
    data = pickle.dumps(analyzer)
    assert len(data) < 200 and b"dipati" not in data
    restored = pickle.loads(data)
    assert restored == IndonesianAnalyzer() and restored.names == frozenset()
    assert restored.stem("dipati") == "pati"  # a fresh analyzer, no names until the Index attaches its own


def test_two_analyzers_keep_their_own_names_and_caches():
    plain, named = IndonesianAnalyzer(), IndonesianAnalyzer(names={"Dipati"})
    for _ in range(2):  # the second round answers from each one's caches
        assert plain.term_positions("Dipati datang") == {"pati": [0], "datang": [1]}
        assert named.term_positions("Dipati datang") == {"dipati": [0], "datang": [1]}
        assert plain.stem("dipati") == "pati" and named.stem("dipati") == "dipati"
    assert named.with_names(()).stem("dipati") == "pati" and named.stem("dipati") == "dipati"


def _surfaces(text: str):
    # The analyzer yields one reused Token, as Whoosh's do: copy what we need while iterating.
    return [(t.text, t.pos, t.startchar, t.endchar) for t in
            IndonesianAnalyzer(stemming=False)(text, positions=True, chars=True, removestops=False)]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_analyses_without_error_and_offsets_point_at_the_words(text):
    previous = -1
    for surface, pos, startchar, endchar in _surfaces(text):
        assert analysis.normalise(text[startchar:endchar]) == surface
        assert pos > previous
        previous = pos
    analyze(text)
    term_positions(text)


words = st.sampled_from(["Banjir", "di", "Bekasi", "anak-anak", "yang", "menangis", "KPK",
                         "COVID-19", "perbankan", "*kami", "Jong-un", "dan", "dimana", "2024"])


@settings(max_examples=200, deadline=None)
@given(st.lists(words | st.text(max_size=6)).map(" ".join), st.integers(0, 5), st.integers(0, 50))
def test_offsets_with_start_char_and_start_pos(text, start_pos, start_char):
    tokens = IndonesianAnalyzer()(text, positions=True, chars=True, start_pos=start_pos,
                                  start_char=start_char, keeporiginal=True)
    for token in tokens:
        assert text[token.startchar - start_char:token.endchar - start_char] == token.original
        assert token.pos >= start_pos


@settings(max_examples=200, deadline=None)
@given(st.lists(words | st.text(max_size=8)).map(" ".join))
def test_term_positions_agree_with_the_analyzer(text):
    expected: dict[str, list[int]] = {}
    for token in IndonesianAnalyzer()(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert term_positions(text) == expected


def test_term_positions_example():
    assert term_positions("Banjir di Bekasi, banjir lagi") == {"banjir": [0, 3], "di": [1], "bekasi": [2], "lagi": [4]}


def test_learned_names_protect_words_at_stem_time():
    assert stem("dipati") == "pati"
    named = IndonesianAnalyzer(names={"Dipati"})
    assert named.stem("dipati") == "dipati"
    assert named.analyze("Dipati datang") == ["dipati", "datang"]
    assert named.term_positions("Dipati datang") == {"dipati": [0], "datang": [1]}
    assert stem("dipati") == "pati"


NEWS = """JAKARTA - Wali Kota Bekasi Tri Adhianto meninjau banjir di Bekasi Timur pada Selasa.
Menurut Tri, pemerintah kota menyiapkan pompa. "Pemerintah sudah bergerak," kata Tri di Bekasi.
Warga Bekasi mengungsi ke masjid. Banjir juga merendam jalan menuju Bekasi Utara.
Pemerintah Provinsi Jawa Barat mengirim bantuan, sementara pemerintah pusat memantau.
Ketua RT mengatakan pemerintah harus cepat. Bantuan pemerintah tiba sore hari dari Bekasi."""

TITLES = "Banjir Merendam Bekasi Timur Hingga Satu Meter\nPEMERINTAH KIRIM BANTUAN KE LOKASI BANJIR"


def test_capitalisation_counter_learns_names_not_common_words():
    counter = CapitalisationCounter()
    counter.observe(NEWS)
    counter.observe(TITLES)
    names = counter.learned_names(min_count=3, min_ratio=0.9)
    assert {"bekasi", "tri"} <= names
    assert "pemerintah" not in names          # capitalised in "Pemerintah Provinsi", lowercase elsewhere
    assert "banjir" not in names and "bantuan" not in names   # only capitalised at sentence starts/titles
    assert "merendam" not in names            # only capitalised in a title-case headline


def test_capitalisation_counter_merges_and_round_trips_json():
    a, b = CapitalisationCounter(), CapitalisationCounter()
    a.observe(NEWS)
    b.observe(NEWS)
    a.merge(b)
    assert a.capitalised["bekasi"] == 2 * b.capitalised["bekasi"]
    restored = CapitalisationCounter.from_json(a.to_json())
    assert restored.capitalised == a.capitalised and restored.lowercase == a.lowercase
    assert restored.learned_names() == a.learned_names()


def test_capitalisation_counter_never_crashes_on_odd_text():
    counter = CapitalisationCounter()
    for text in ["", "\n\n", "*kami", "A A A", "1. 2. 3.", "É é", "- - -", "x" * 10000]:
        counter.observe(text)
    counter.learned_names()


def test_nya_forms_are_learned_only_when_the_base_is_not_seen():
    counter = CapitalisationCounter()
    counter.observe("kata Tuhan lagi, kata Tuhannya, dan Tuhannya, dan Tuhannya, kata Tuhan.\n"
                    "ke Catalunya, di Catalunya, dari Catalunya.")
    names = counter.learned_names(min_count=3)
    assert "catalunya" in names and "tuhannya" not in names


def test_cli_analyze_explains_each_word(runner, tmp_path):
    from search.cli import main

    result = runner.invoke(main, ["analyze", "--explain", "--index", str(tmp_path / "none"),
                                  "Perbankan di Bekasi menulis"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert lines == [["Perbankan", "bank", "correction"],
                     ["di", "di", "kept (short); a function word: optional in plain queries"],
                     ["Bekasi", "bekasi", "protected"], ["menulis", "tulis", "stemmed"]]
    plain = runner.invoke(main, ["analyze", "--index", str(tmp_path / "none"), "Perbankan di Bekasi e-money"])
    assert plain.output.split() == ["bank", "di", "bekasi", "e", "money", "emoney"]


def test_analysis_fingerprint_is_stable_and_short():
    from search.analysis import analysis_fingerprint

    assert analysis_fingerprint() == analysis_fingerprint()
    assert len(analysis_fingerprint()) == 12


def test_fast_sastrawi_bookkeeping_gives_sastrawis_results():
    from pathlib import Path

    gold = Path(__file__).parent / "data" / "stem_gold.txt"
    words = [line.split()[0] for line in gold.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    words += ["menyelenggarakan", "mempertanggungjawabkan", "berkelanjutan", "pertanggungjawaban",
              "keberlangsungan", "diperbolehkan", "memperjuangkan", "kauambil", "kusebut", "belajar",
              "bermain-main", "tertawa-tawa", "menembak-nembak", "pelajaran", "terpercaya", "pemberdayaan"]
    fast, reference = analysis._new_stemmer(fast=True), analysis._new_stemmer(fast=False)
    for word in words:
        if not analysis._NEEDS_NO_STEM.search(word):
            assert fast.stem_word(word) == reference.stem_word(word), word


def test_tokenize_false_gives_the_whole_value_as_one_term():
    tokens = [(t.text, t.startchar, t.endchar) for t in
              IndonesianAnalyzer()("Perbankan", tokenize=False, chars=True, removestops=False)]
    assert tokens == [("bank", 0, 9)]
    assert [t.text for t in IndonesianAnalyzer()("Jakarta Selatan", tokenize=False)] == ["jakarta selatan"]


@pytest.mark.parametrize("word, root", [
    ("kinerjanya", "kinerja"), ("pemakainya", "pakai"), ("penyelidikannya", "selidik"),
    ("jokowinya", "jokowi"), ("twitter-nya", "twitter"), ("bandnya", "band"), ("anak-anaknya", "anak"),
    ("adakalanya", "adakalanya"), ("tanya-tanya", "tanya"), ("hatinya", "hati"), ("bertanya", "tanya"),
    ("dipunyai", "punya"), ("nyonya", "nyonya"),
])
def test_nya_clitic_comes_off_before_stemming(word, root):
    assert stem(word) == root


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_stem_and_explain_never_raise_on_any_string(word):
    root, reason = explain(word.lower())
    assert isinstance(root, str) and reason
    assert stem(word.lower()) == root


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_capitalisation_counter_never_raises_and_round_trips(text):
    counter = CapitalisationCounter()
    counter.observe(text)
    names = counter.learned_names(min_count=1, min_ratio=0.5)
    assert CapitalisationCounter.from_json(counter.to_json()).learned_names(min_count=1, min_ratio=0.5) == names


def test_reduplicated_plurals_are_never_learned_as_names():
    counter = CapitalisationCounter()
    for _ in range(3):
        counter.observe("sidang umum Perserikatan Bangsa-Bangsa membahas krisis pangan dunia pekan ini")
    names = counter.learned_names(min_count=3)
    assert "perserikatan" in names and "bangsa-bangsa" not in names


def test_caches_stay_bounded(monkeypatch):
    monkeypatch.setattr(analysis, "_CACHE_LIMIT", 50)
    analyzer = IndonesianAnalyzer()
    analyzer.term_positions(" ".join(f"kata{i} menulis{i}" for i in range(500)))
    assert len(analyzer._terms) <= 50 and len(analyzer._stems) <= 50
    assert analyzer.term_positions("menulis berita") == {"tulis": [0], "berita": [1]}


@pytest.mark.parametrize("word, root", [
    # a prefix written with a hyphen before a loanword or name
    ("di-update", "update"), ("men-support", "support"), ("se-asia", "asia"),
    # ke-tidak-X-an
    ("ketidakmampuan", "mampu"), ("ketidakjelasan", "jelas"),
    # no loanword "-is" suffix: the real affixes come off instead
    ("pelukis", "lukis"), ("sebaris", "baris"), ("penggaris", "garis"), ("finalis", "finalis"),
    # a short consonant-initial root plus -i/-an/-is is a name; vowel-initial ones are real words
    ("susan", "susan"), ("busan", "busan"), ("golan", "golan"), ("acuan", "acu"), ("doakan", "doa"),
    # an -i or particle that belongs to the root goes back on
    ("disekolah", "sekolah"), ("bersimpati", "simpati"), ("masalah", "masalah"), ("sesekali", "sekali"),
    # a particle on a function word
    ("itulah", "itu"),
    # trap entries taken out of the dictionary
    ("kerumitan", "rumit"), ("berupa", "rupa"), ("terasa", "rasa"), ("mengira", "kira"),
    # GeoNames place names
    ("ungaran", "ungaran"), ("sepatan", "sepatan"),
])
def test_stemming_rules(word, root):
    assert stem(word) == root


def test_geonames_places_are_protected_but_common_words_are_not():
    from search.analysis import protected_words

    assert {"ungaran", "sandakan"} <= protected_words()
    assert "kisaran" not in protected_words()  # a city, but news writes it lowercase: "range"
    assert stem("kisaran") == "kisar"


def test_accents_are_dropped_so_typed_and_published_forms_match():
    assert analyze("José Mourinho minum kopi di kafé São Paulo") == analyze("jose mourinho minum kopi di kafe sao paulo")
    assert analyze("Jose\u0301 Đà Nẵng İstanbul") == ["jose", "da", "nang", "istanbul"]
    assert analyze("“Pemerintah” berkata") == analyze("pemerintah berkata")  # quotes never glue to words


def test_primed_roots_never_override_learned_names_in_any_form():
    """Roots stemmed without names (the helper process) must not decide words a learned name shapes."""
    from search import analysis

    words = ["kenangan", "kenangannya", "kenangan-nya", "se-kenangan", "di-kenangan"]
    ahead = analysis.TermsAhead()
    ahead.add_text(" ".join(words))
    assert set(ahead.terms.values()) == {"kenang"}
    named = IndonesianAnalyzer(names=["kenangan"])
    named.prime_term_cache(ahead)
    assert named.term_positions(" ".join(words)) == {"kenangan": [0, 1, 2, 3, 4]}
    ahead.add_text("Jong-kenangan")  # a hyphenated word's parts and joined form are re-worked too
    named = IndonesianAnalyzer(names=["kenangan"])
    named.prime_term_cache(ahead)
    assert named.term_positions("Jong-kenangan") == IndonesianAnalyzer(names=["kenangan"]).term_positions("Jong-kenangan")
    assert "kenangan" in named.term_positions("Jong-kenangan")


def test_terms_ahead_are_each_words_own_term_in_first_seen_order():
    """TermsAhead over texts with repeated words holds what working out each word alone gives.

    The order matters: prime_term_cache stops at the cache's room, keeping the words seen first.
    """
    texts = ["Kinerjanya baik, kinerjanya BAIK dan Kinerjanya se-Asia di-update yang",
             "baik yang bermain, Bermain se-Asia lagi kinerjanya"]
    ahead = analysis.TermsAhead()
    for text in texts:
        ahead.add_text(text)
    expected, looked_up = {}, {}
    for surface in analysis.TOKEN_PATTERN.findall(" ".join(texts)):  # one word at a time
        word = analysis.normalise(surface)
        if surface not in expected:
            expected[surface] = explain(word)[0]
            words = []
            explain(word, words)
            if words != [word]:
                looked_up[word] = tuple(words)
    assert list(ahead.terms.items()) == list(expected.items())
    assert ahead.looked_up == looked_up and looked_up["kinerjanya"] == ("kinerjanya", "kinerja")
    assert len(ahead) == 11 and ahead.terms["Kinerjanya"] == ahead.terms["kinerjanya"] == "kinerja"


_CAPITALISED = st.sampled_from(["Bekasi", "PBB", "Jong-un", "Kota", "O'Neil", "Wali", "Presiden", "ÉCOLE", "Rp", "Über"])
_OTHER = st.sampled_from(["banjir", "di", "anak-anak", "warga", "ke-2", "jum'at", "10", "dan", "é", "über", "-", "'"])


# Lines mostly of capitalised words, near the 80% a headline needs, with other words and noise.
@given(st.integers(1, 40).flatmap(lambda size: st.lists(
    st.one_of(_CAPITALISED, _CAPITALISED, _CAPITALISED, _CAPITALISED, _OTHER, st.text(max_size=6)),
    min_size=size, max_size=size)).map(" ".join))
@settings(max_examples=500, deadline=None)
def test_the_cheap_headline_pre_check_never_rules_out_a_headline(line):
    """observe() skips _is_title_line when _too_lowercase_for_title says it must be False: it must never be True."""
    from search.analysis import _LOWERCASE_WORD, _is_title_line, _too_lowercase_for_title

    line = line.replace("’", "'").replace("‐", "-")
    if _too_lowercase_for_title(line, _LOWERCASE_WORD.findall(line)):
        assert not _is_title_line(line)


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("aeiAZ -’‐éÉñçøłİıß\u0301\u0308\u064e\u05b4ﬁ²Ǆ") + ["中", "\n"]), max_size=40)
       | st.text(max_size=40))
def test_normalise_drops_exactly_the_combining_marks_nfkd_leaves(text):
    import unicodedata

    word = text.lower()
    if not word.isascii():
        word = word.replace("’", "'").replace("‐", "-")
        if analysis.ACCENTED.search(word):
            word = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
            word = word.translate(analysis._UNDECOMPOSED)
    assert analysis.normalise(text) == word
