"""The search page in a real browser: Playwright drives Debian's Chromium against the app on waitress."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

ARTICLES = [
    {"id": f"pemilu-{n:02d}", "title": f"Pemilu daerah di kabupaten nomor {n}",
     "content": f"Pemilu daerah di kabupaten ke-{n} berjalan lancar.\n\nPanitia pemilihan menghitung suara hingga malam.",
     "url": f"https://example.com/pemilu-{n}", "date": f"20{15 + n % 4}-0{1 + n % 9}-10T10:00:00+07:00",
     "source": ("kompas", "tempo", "detik")[n % 3], "category": "politik"}
    for n in range(24)
] + [
    {"id": "hostile", "title": "Pemilu <script>window.__pwned = true</script> & \"kutip\"",
     "content": "Pemilu <img src=x onerror=\"window.__pwned=true\"> daerah.", "url": "javascript:window.__pwned=true",
     "source": "kompas", "date": "2019-01-01", "category": "politik"},
]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":  # CI must not pass without the browser tests
            pytest.fail(f"no Chromium at {CHROMIUM} (CI=true: the browser tests must run); scripts/test.sh installs it")
        pytest.skip(f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` (scripts/test.sh does)")
    from waitress import create_server

    from search.indexer import build
    from web import create_app

    folder = tmp_path_factory.mktemp("browser")
    archive = folder / "articles.jsonl"
    archive.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    build([archive], folder / "index")
    app = create_app({"INDEX": str(folder / "index"), "PER_PAGE": 3})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)  # port 0: a free port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(server_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


def test_search_facet_paging_article_and_back(page, server_url):
    page.goto(server_url + "/")
    box = page.get_by_label("Words to search for")
    box.press_sequentially("pemil", delay=40)
    # Suggestions as you type (the progressive enhancement): a listbox of completions.
    option = page.get_by_role("option", name="pemilu")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")  # keyboard choice of a completion searches for it
    assert box.input_value() == "pemilu"
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    page.wait_for_url("**/search?q=pemilu")

    box = page.get_by_role("combobox", name="Search the news archive")
    box.fill("pemilu daerah")
    box.press("Enter")

    page.wait_for_url("**/search?q=pemilu+daerah")
    assert "results" in page.get_by_role("status").inner_text()
    assert page.locator(".snippet mark").count() > 0
    assert page.locator(".hit-title mark").first.inner_text().lower() == "pemilu"

    page.locator("#facet-source + ul").get_by_role("link", name="Kompas.com").click()
    page.wait_for_url("**source=kompas**")
    assert page.get_by_role("link", name="Remove filter Outlet: Kompas.com").is_visible()
    assert set(page.locator(".hit .source").all_inner_texts()) == {"Kompas.com"}

    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert "source=kompas" in page.url
    assert "page 2 of" in page.get_by_role("status").inner_text()
    results_url = page.url

    first_title = page.locator(".hit-title a").first
    title = first_title.inner_text()
    first_title.click()
    page.wait_for_url("**/articles/**")
    assert page.get_by_role("heading", level=1).inner_text() == title

    page.go_back()
    page.wait_for_url(results_url)
    assert "page 2 of" in page.get_by_role("status").inner_text()
    assert page.console_errors == []


def test_hostile_archive_text_never_runs(page, server_url):
    page.goto(server_url + "/search?q=pemilu&source=kompas&sort=oldest")
    page.goto(server_url + "/articles/hostile")
    assert "<script>" in page.get_by_role("heading", level=1).inner_text()  # shown as text
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("a[href^='javascript:']").count() == 0


def test_keyboard_only_use(page, server_url):
    page.goto(server_url + "/search?q=pemilu")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # focus moves into main: the search box comes first
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("End")  # tabbing into a filled box selects its text
    page.keyboard.type(" kabupaten")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=pemilu+kabupaten**")


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_pages_fit_the_screen_without_sideways_scrolling(browser, server_url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in ["/", "/search?q=pemilu&source=kompas&year=2016", "/articles/pemilu-01?q=pemilu", "/articles/none"]:
            page.goto(server_url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.goto(server_url + "/search?q=pemilu")
        box = page.locator("#q").bounding_box()
        assert box["width"] >= min(200, width * 0.5)  # the search box stays usable on a phone
    finally:
        context.close()


def test_histogram_and_trends_chart_are_drawn_and_a_bar_narrows_the_search(page, server_url):
    page.goto(server_url + "/search?q=pemilu")
    chart = page.locator("svg.histogram-chart")
    chart.wait_for()
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 20  # drawn, not just present
    bars = page.locator("svg.histogram-chart rect.bar")
    heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
    assert bars.count() == 5 and max(heights) > 20 and min(heights) > 0  # 2015-2019, every year holds matches
    total = page.get_by_role("status").inner_text()
    page.locator("a.bar-link", has=page.locator("[data-period='2016']")).click()
    page.wait_for_url("**year=2016**")
    assert page.get_by_role("link", name="Remove filter Year: 2016").is_visible()
    assert page.get_by_role("status").inner_text() != total
    assert all(" 2016" in t for t in page.locator(".hit time").all_inner_texts())  # "10 January 2016, 10.00 WIB"
    # Within a year, the bars are its months, each narrowing further.
    page.locator("a.bar-link").first.click()
    page.wait_for_url("**month=2016-**")

    page.goto(server_url + "/search?q=pemilu")
    page.get_by_role("link", name="Trends over time").click()
    page.wait_for_url("**/trends?q=pemilu**")
    page.locator("#trend-q2").fill("panitia")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**q=panitia**")
    lines = page.locator("svg.trends-chart polyline.series")
    assert lines.count() == 2
    for i in range(2):
        drawn = lines.nth(i).bounding_box()
        assert drawn["width"] > 100
    assert page.locator(".trends-table tbody tr").count() == 5
    assert page.console_errors == []


@pytest.mark.parametrize("path", ["/trends?q=pemilu&q=panitia&by=month", "/kwic?q=pemilu", "/search?q=pemilu&year=2016"])
def test_research_pages_fit_a_phone(browser, server_url, path):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(server_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    finally:
        context.close()
