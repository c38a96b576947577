"""The pages on a phone and in both languages, in Chromium: filters from the top, touch targets, the
article's link back, and axe-core (from npm, tests/package.json) finding no accessibility violations."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# The app on waitress over the browser tests' archive, and Chromium (fixtures of test_browser.py).
from test_browser import browser, server_url  # noqa: F401

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("WARTA_SCREENSHOTS", "/tmp/warta-screenshots"))
LANGUAGES = {"id": {"filter": "Filter", "next": "Berikutnya", "oldest": "terlama", "outlet": "Media",
                    "results": "Hasil untuk"},
             "en": {"filter": "Filter", "next": "Next", "oldest": "oldest", "outlet": "Outlet",
                    "results": "Results for"}}


@pytest.fixture
def phone(browser, request):
    """A 375 px wide page whose browser asks for the language of the test's `language` parameter."""
    language = request.node.callspec.params["language"]
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale={"id": "id-ID", "en": "en-US"}[language],
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("language", ["id", "en"])
def test_on_a_phone_filters_open_from_the_top_and_the_back_link_keeps_everything(phone, server_url, language):
    words = LANGUAGES[language]
    phone.goto(server_url + "/search?q=pemilu")
    assert phone.locator("html").get_attribute("lang") == language
    summary = phone.locator("details.filters > summary")
    first_hit = phone.locator(".hit").first
    # The disclosure is on the first screen, above the results, and closed: the results come first.
    assert summary.bounding_box()["y"] + summary.bounding_box()["height"] < 740
    assert summary.bounding_box()["y"] < first_hit.bounding_box()["y"]
    assert phone.locator("details.filters").get_attribute("open") is None
    shot(phone, f"phone-{language}-1-results")
    summary.tap()
    facet = phone.locator("#facet-source + ul").get_by_role("link", name=re.compile("^Kompas.com"))
    facet.wait_for(state="visible")
    shot(phone, f"phone-{language}-2-filters-open")
    facet.tap()
    phone.wait_for_url("**source=kompas**")
    phone.get_by_role("link", name=words["oldest"], exact=True).tap()
    phone.wait_for_url("**sort=oldest**")
    phone.get_by_role("link", name=re.compile(words["next"])).tap()
    phone.wait_for_url("**page=2**")
    results_url = phone.url
    assert {"source=kompas", "sort=oldest", "page=2", "q=pemilu"} <= set(results_url.split("?")[1].split("&"))
    assert set(phone.locator(".hit .source").all_inner_texts()) == {"Kompas.com"}
    shot(phone, f"phone-{language}-3-narrowed-page-2")
    phone.locator(".hit-title a").first.tap()
    phone.wait_for_url("**/articles/**")
    back = phone.locator("p.back a")
    assert words["results"] in back.inner_text()
    shot(phone, f"phone-{language}-4-article")
    back.tap()
    phone.wait_for_url(results_url)
    assert phone.url == results_url


@pytest.mark.parametrize("language", ["id", "en"])
def test_touch_targets_are_at_least_44_px_on_a_phone(phone, server_url, language):
    phone.goto(server_url + "/search?q=pemilu&source=kompas")
    phone.locator("details.filters > summary").tap()
    small = phone.evaluate("""() => {
        const selector = 'button, input:not([type=hidden]), summary, .filters li a, .sort a, .pagination a, '
                       + '.chip a, .chip-clear, .languages a, .back a';
        return [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length)
            .map(e => [e.className || e.tagName, e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
            .filter(([, , r]) => r.height < 44 || r.width < 44)
            .map(([name, text, r]) => `${name} "${text}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }""")
    assert small == []


def _axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const found = await axe.run(document, {resultTypes: ['violations']});
        return found.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
    }""")
    return result


AXE_PAGES = ["/", "/search?q=pemilu", "/search?q=pemilu&source=kompas&year=2016&sort=oldest&page=2",
             "/search?source=tempo", "/search?q=pemilu&from=2019-01-01&to=2018-01-01", "/search?q=pemilu&page=500",
             "/search?q=zzzzzz", "/search?q=", "/articles/pemilu-01?q=pemilu&source=kompas", "/articles/none"]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations(browser, server_url, language, width):
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` in tests/ (scripts/test.sh does)"
    # The pages forbid inline scripts (Content-Security-Policy); axe is injected as one, for the test only.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True,
                                  locale={"id": "id-ID", "en": "en-US"}[language])
    page = context.new_page()
    try:
        found = {}
        for path in AXE_PAGES:
            page.goto(server_url + path)
            if width == 375 and path.startswith("/search?q=pemilu&source"):
                page.locator("details.filters > summary").click()  # open, so that axe checks the filters too
            violations = _axe_violations(page)
            if violations:
                found[path] = violations
        page.goto(server_url + "/search?q=pemilu&source=kompas")
        shot(page, f"axe-{language}-{width}-results")
        assert found == {}
    finally:
        context.close()
