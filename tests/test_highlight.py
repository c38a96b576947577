"""Snippets: inflected and phrase matches marked in the original words, escaped, from anywhere in the text."""
import html
import re

import pytest
from hypothesis import given, settings, strategies as st

from search import highlight
from search.analysis import IndonesianAnalyzer, analyze, stem
from search.highlight import MatchSpec, find_matches, lead, mark, snippet


def spec(*words, phrases=()):
    return MatchSpec(frozenset(stem(w) for w in words), tuple(phrases))


def marked(html_text):
    return re.findall(r"<mark>(.*?)</mark>", html_text)


def test_inflected_form_is_marked_in_the_original_word():
    text = "Petugas pemadam kebakaran menembakkan air dari helikopter."
    assert marked(snippet(text, spec("tembak"))) == ["menembakkan"]


def test_phrase_marks_the_whole_phrase_only():
    text = "Hutan di Riau terbakar. Kebakaran hutan kembali melanda Riau. Hutan lindung aman."
    phrase = (("bakar", "hutan"), (0, 1))
    result = snippet(text, MatchSpec(phrases=(phrase,)))
    assert marked(result) == ["Kebakaran hutan"]
    assert result.startswith("<mark>Kebakaran hutan</mark> kembali")


def test_phrase_with_a_stop_word_inside():
    text = "Presiden dan wakil presiden hadir."
    phrase = (("presiden", "wakil", "presiden"), (0, 2, 3))
    assert marked(mark(text, MatchSpec(phrases=(phrase,)))) == ["Presiden dan wakil presiden"]


def test_archive_text_is_escaped_and_only_mark_is_markup():
    text = 'Banjir <script>alert("x")</script> & <b>air</b> naik.'
    result = snippet(text, spec("banjir", "air"))
    assert "<script>" not in result and "<b>" not in result
    assert "&lt;script&gt;" in result and "&amp;" in result
    assert re.sub(r"</?mark>", "", result).count("<") == 0
    assert marked(result) == ["Banjir", "air"]


def test_match_near_the_end_of_a_long_article_is_found():
    filler = "Warga kota beraktivitas seperti biasa pada hari itu. " * 900  # ~47,000 characters
    text = filler + "Petugas akhirnya menembakkan gas air mata ke arah massa."
    assert len(text) > 40_000
    result = snippet(text, spec("tembak"))
    assert marked(result) == ["menembakkan"]
    assert "gas air mata" in result


def test_best_sentence_comes_first_and_snippet_is_short():
    text = ("Cuaca cerah di pagi hari. " * 5 + "Banjir melanda Bekasi dan banjir juga merendam Jakarta. "
            + "Cuaca cerah lagi. " * 5 + "Bekasi tenang.")
    result = snippet(text, spec("banjir", "bekasi"))
    assert result.startswith("<mark>Banjir</mark> melanda <mark>Bekasi</mark>")
    assert len(re.sub(r"</?mark>", "", result)) <= 330


def test_lead_when_the_body_has_no_match():
    text = "Kalimat pertama berita ini. Kalimat kedua berita ini. " * 20
    result = snippet(text, spec("gempa"))
    assert result.startswith("Kalimat pertama berita ini.")
    assert "<mark>" not in result and len(result) <= 300


def test_lead_cuts_a_single_long_sentence_at_a_word():
    text = "kata " * 200
    assert lead(text, 50).endswith(" …") and len(lead(text, 50)) <= 52


@pytest.mark.parametrize("text", [
    "Anak-anak diungsikan ke masjid; anak-anak lain aman.",
    "Kinerjanya dipuji. KINERJA pemerintah? “Kinerja” naik!",
    "Persenjataan, bersenjata, senjata: tiga kata.",
    "İstanbul ﬁnal persenjataan",  # characters whose lowercase has another length
    "Hari Jum’at, anak‐anak bersosialisasi dengan finalis.",  # typographic apostrophe and hyphen
])
def test_matches_agree_with_the_analyzer(text):
    terms = frozenset(t.text for t in IndonesianAnalyzer()(text))
    expected = [(t.startchar, t.endchar) for t in IndonesianAnalyzer()(text, chars=True) if t.text in terms]
    assert [(s, e) for s, e, _ in find_matches(text, MatchSpec(terms))] == expected


@pytest.mark.parametrize("text", [
    "Presiden Joko Widodo dan wakil presiden Jusuf Kalla. Joko Widodo, presiden ke-7, menyapa.",
    "Kebakaran-kebakaran hutan; kebakaran hutan lindung --- hutan kebakaran.",
    "Kim Jong-un memakai e-money, e money dan emoney di toko e-commerce K-pop yang ramai.",
])
def test_phrase_positions_agree_with_the_analyzer(text):
    tokens = [(t.pos, t.text, t.startchar, t.endchar) for t in IndonesianAnalyzer()(text, positions=True, chars=True)]
    tokens = list({t[0]: t for t in reversed(tokens)}.values())[::-1]  # the parts of "ke-7", not its joined "ke7"
    for size in (2, 3):
        for i in range(len(tokens) - size + 1):
            window = tokens[i:i + size]
            phrase = (tuple(t[1] for t in window), tuple(t[0] - window[0][0] for t in window))
            spans = [(s, e) for s, e, _ in find_matches(text, MatchSpec(phrases=(phrase,)))]
            assert (window[0][2], window[-1][3]) in spans or any(s <= window[0][2] and window[-1][3] <= e for s, e in spans)


def test_accented_words_are_marked_for_a_query_typed_without_accents():
    text = "Pelatih José Mourinho membuka kafé di São Paulo bersama “teman” lamanya."
    assert marked(mark(text, spec(*analyze("jose kafe sao")))) == ["José", "kafé", "São"]


@pytest.mark.parametrize("ending", ['!"', "?”", ".”", ".)", "!’"])
def test_a_sentence_keeps_its_closing_quote(ending):
    text = f"Cuaca cerah di pagi hari. Warga berteriak banjir datang{ending} Lalu mereka mengungsi ke masjid."
    from search.highlight import _sentence_at

    start, end = _sentence_at(text, text.index("banjir"))
    assert text[start:end] == f"Warga berteriak banjir datang{ending}"
    result = html.unescape(re.sub(r"</?mark>", "", snippet(text, spec("banjir"))))
    assert result.startswith(f"Warga berteriak banjir datang{ending}")


def _sentence_by_each_form(text: str, at: int) -> tuple[int, int]:
    """The sentence around `at` found form by form with str.find: what _sentence_at must return."""
    forms = [mark + closer + space for mark in ".!?" for closer in ("", '"', "”", "’", "'", ")")
             for space in (" ", "\n")] + ["\n"]
    window_start = max(0, at - highlight._LOOKBACK)
    start = window_start
    for form in forms:
        found = text.rfind(form, window_start, at)
        if found >= 0:
            start = max(start, found + len(form))
    while start < at and text[start].isspace():
        start += 1
    end = len(text)
    for form in forms:
        found = text.find(form, at, end)
        if found >= 0:
            end = found + len(form) - 1
    return start, end


@settings(max_examples=500)
@given(st.text(alphabet=list("ab .!?\n\"”’')\t"), max_size=60), st.integers(min_value=0, max_value=60))
def test_the_sentence_around_an_offset_is_found_as_each_end_form_would_find_it(text, at):
    at = min(at, len(text))
    assert highlight._sentence_at(text, at) == _sentence_by_each_form(text, at)


@pytest.mark.parametrize("text, words", [
    ("José Mourinho membeli kopi di kafé dekat stadion. Mourinho dan josé tertawa.", ["jose", "kafe", "mourinho"]),
    ("Pemain asal Ceko, Tomáš Souček, mencetak gol; Souček senang.", ["soucek", "gol"]),
    ("Jumat’s malam, AsociaciÃ³n Padel ² dan e‐money", ["asociacia3n", "emoney", "padel"]),
    ("Ｆｕｌｌ width dan İstanbul, Straße", ["istanbul", "width"]),
])
def test_folded_core_search_finds_what_walking_every_token_finds(text, words):
    from search.analysis import plain_analyzer

    analyzer = plain_analyzer()
    terms = frozenset(t for w in words for t in ([analyzer.stem(w)] if analyzer.stem(w) else []))
    cores = highlight._cores(highlight.MatchSpec(terms))
    walked = [c for c in highlight._candidates_by_walking(text, cores, analyzer) if c[1] in terms]
    folded = highlight._folded(text)
    if folded is not None:
        assert len(folded) == len(text)
        fast = [c for c in highlight._candidates(text, cores, analyzer, positions=True, lowered=folded)
                if c[1] in terms]
        assert fast == walked
    assert highlight.find_matches(text, highlight.MatchSpec(terms, analyzer=analyzer))
