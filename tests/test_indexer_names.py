"""Learning names during a build: the capitalisation counter stays bounded on a huge vocabulary."""
from __future__ import annotations

import random
import string

from search.analysis import CapitalisationCounter

NEWS = ("Warga Bekasi mengungsi. Kata Sutarjo, banjir datang lagi. Ia bertemu Sutarjo di pasar, "
        "lalu Sutarjo pulang ke Bekasi. Air di Bekasi surut.")


def random_words(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(count))


def test_a_counter_fed_an_endless_vocabulary_stays_bounded_and_keeps_its_names():
    counter = CapitalisationCounter(max_words=2000)
    for batch in range(20):
        counter.observe(NEWS)
        counter.observe("kata " + random_words(500, batch))  # typos and rare words, each seen once
    assert len(counter.lowercase) + len(counter.capitalised) <= 2000
    assert {"bekasi", "sutarjo"} <= counter.learned_names()
    assert counter.capitalised["sutarjo"] == 60 and counter.lowercase["banjir"] == 20


def test_a_counter_that_never_fills_is_exact():
    small, large = CapitalisationCounter(max_words=10**6), CapitalisationCounter()
    for counter in (small, large):
        for batch in range(5):
            counter.observe(NEWS + " " + random_words(100, batch))
    assert small.lowercase == large.lowercase and small.capitalised == large.capitalised
