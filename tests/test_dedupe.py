"""Near-duplicate signatures: stable, similar for edited copies, different for different stories."""
from __future__ import annotations

import random

import numpy as np
import pytest

from search import dedupe

WORDS = ("pemerintah provinsi jawa barat menyalurkan bantuan langsung tunai kepada warga terdampak banjir "
         "di kabupaten bekasi pada selasa pagi petugas mencatat ratusan rumah terendam air setinggi satu meter "
         "sementara anak-anak diungsikan ke masjid terdekat bupati meminta warga tetap waspada karena hujan "
         "deras diperkirakan masih turun hingga akhir pekan").split()


def story(seed: int, length: int = 220) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + ("." if rng.random() < 0.08 else "") for _ in range(length))


def edited(text: str, every: int, seed: int = 0) -> str:
    """Return text with one word in `every` replaced (a light editorial rewrite)."""
    rng = random.Random(seed)
    words = text.split()
    for i in range(0, len(words), every):
        words[rng.randrange(i, min(i + every, len(words)))] = f"kata{rng.randrange(10**6)}"
    return " ".join(words)


def test_signature_is_stable_across_calls_and_processes():
    text = story(1)
    # Fixed expected prefix: band keys are stored beside indexes, so they must never change silently.
    first = dedupe.signature(text)
    assert first.band_digests[:2] == [0x4239db031aa50431, 0x69a05a43175d034a]
    assert np.array_equal(first.values, dedupe.signature(text).values)
    assert first.band_digests == dedupe.signature(text).band_digests
    keys = first.band_keys
    assert len(set(keys)) == len(keys) == dedupe.BANDS  # band number is part of the key
    assert all(-(1 << 63) <= key < (1 << 63) for key in keys)  # SQLite integers


def test_punctuation_and_case_do_not_matter():
    text = story(2)
    assert dedupe.signature(text).similarity(dedupe.signature(text.upper().replace(".", " ,"))) == 1.0


@pytest.mark.parametrize("every, low, high", [(40, 0.75, 1.0), (6, 0.0, 0.45)])
def test_similarity_tracks_how_much_was_edited(every, low, high):
    text = story(3)
    assert low <= dedupe.signature(text).similarity(dedupe.signature(edited(text, every))) <= high


def test_different_stories_are_not_similar_even_with_the_same_vocabulary():
    assert dedupe.signature(story(4)).similarity(dedupe.signature(story(5))) < 0.2


def test_short_texts_get_no_signature():
    assert dedupe.signature("Banjir di Bekasi.") is None
    assert dedupe.signature("") is None


def test_cluster_table_finds_the_earlier_copy_only():
    table = dedupe.ClusterTable()
    original = story(6)
    table.add(dedupe.signature(original), "first")
    found = table.find(dedupe.signature(edited(original, 50)))
    assert found is not None and found[0] == "first" and found[1] >= dedupe.THRESHOLD
    assert table.find(dedupe.signature(story(7))) is None


def test_word_hashes_do_not_depend_on_position():
    hashes = dedupe._word_hashes("Halo, dunia! halo dunia. Ñandú ñandú")
    assert len(hashes) == 6
    assert hashes[0] == hashes[2] and hashes[1] == hashes[3] and hashes[4] == hashes[5]
    assert hashes[0] != hashes[1]


def test_cluster_table_picks_the_most_similar_earlier_article():
    table = dedupe.ClusterTable()
    original = story(8)
    table.add(dedupe.signature(edited(original, 12, seed=1)), "far")
    table.add(dedupe.signature(edited(original, 60, seed=2)), "near")
    for n in range(200):  # unrelated stories, so lookups also go through keys the bit table has seen
        table.add(dedupe.signature(story(100 + n)), f"other-{n}")
    assert len(table) == 202
    found = table.find(dedupe.signature(original))
    assert found is not None and found[0] == "near"


def test_cluster_table_keeps_its_articles_out_of_python_memory():
    """The table of a build lives on disk: adding thousands of articles barely grows the Python heap."""
    import tracemalloc

    rng = np.random.default_rng(3)
    signatures = [dedupe.Signature(rng.integers(0, 2**32, dedupe.PERMUTATIONS, dtype=np.uint64).astype(np.uint32))
                  for _ in range(3000)]
    for sig in signatures:
        sig.band_keys
    table = dedupe.ClusterTable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n, sig in enumerate(signatures):
            table.find(sig)
            table.add(sig, f"cluster-{n}")
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 100 * len(signatures)  # dicts of band keys and signatures took ~1,000 bytes each
    assert table.find(signatures[1234]) == ("cluster-1234", 1.0)


def test_band_table_finds_earlier_builds_articles_only(tmp_path):
    path = str(tmp_path / "bands.sqlite")
    original, copy, other = (dedupe.signature(t) for t in (story(40), edited(story(40), 50), story(41)))
    first = dedupe.BandTable(path, fresh=True)
    first.fill([("a", original), ("b", other)])
    first.commit(generation=1)
    first.replace()
    assert not (tmp_path / "bands.sqlite.new").exists()

    second = dedupe.BandTable(path, fresh=False)
    try:
        assert second.generation() == 1
        assert second.candidates(copy, per_band=5) == ["a"]
        second.add("c", copy)  # this build's own articles are not candidates for it
        assert second.candidates(copy, per_band=5) == ["a"]
        second.commit(generation=2)
    finally:
        second.close()
    third = dedupe.BandTable(path, fresh=False)
    try:
        assert third.generation() == 2
        assert third.candidates(copy, per_band=5) == ["a", "c"]
        for n in range(5):
            third.add(f"d{n}", original)
        third.commit(generation=3)
    finally:
        third.close()
    fourth = dedupe.BandTable(path, fresh=False)
    try:
        assert set(fourth.candidates(original, per_band=50)) == {"a", "c", "d0", "d1", "d2", "d3", "d4"}
        assert fourth.candidates(original, per_band=1) == ["a"]  # a band shared by many is only sampled
    finally:
        fourth.close()


def test_a_new_band_table_not_put_in_place_is_thrown_away(tmp_path):
    path = tmp_path / "bands.sqlite"
    table = dedupe.BandTable(str(path), fresh=True)
    table.add("a", dedupe.signature(story(42)))
    table.commit(generation=1)
    table.close()  # the index commit failed: no replace()
    assert list(tmp_path.iterdir()) == []
