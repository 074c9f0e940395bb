"""The layout fits a laptop and a phone, in both languages, for every role (issue 18).

Each role signs in once (one browser context) and visits its main pages — the dashboard, its
lists, a detail page, the administrator's pages; the public's home, register and publicity —
at 1,280×800 and at 375×740, in Chinese and in English. On every page:

- the page never scrolls sideways (a wide table scrolls inside its own box);
- the top bar holds on one row at 1,280 px: every top-level item inside the window, none
  wrapped inside itself; on the phone the menu button opens it, Sign out included;
- a dropdown of the menu opens by mouse and by keyboard, its items inside the window;
- the current page is marked in the menu, and so is its group;
- no column header cuts a Chinese word across lines, no cell breaks its text one character
  per line, and nothing overflows its cell.

Read-only: it changes no data (the language is chosen with ``?lang=``, which a GET never
writes to the profile), so it may run in any order among the browser tests.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import new_context, shot, sign_in

DEMO = "@demo.certpath.cn"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# Pages kept as screenshots (the README shows some): (role, path, language) → name.
SHOTS = {
    ("alliance", "/dashboard", "zh"): "dashboard-alliance-zh",
    ("authority", "/dashboard", "zh"): "dashboard-authority-zh",
    ("alliance", "/orgs/", "zh"): "organisations-zh",
    ("enterprise", "/projects/", "en"): "projects-en",
}

# A page is a path, or a path and the links to follow from it, one after the other: the first
# link matching each selector opens the next page (a detail page whose id the demo decides).
ROLES: dict[str, list] = {
    "anonymous": [
        "/",
        ("/certificates/", "main tbody a[href^='/certificates/CS']"),
        "/publicity/",
        "/login",
    ],
    "enterprise": [
        "/dashboard",
        ("/assessments/", "main tbody a[href^='/assessments/']"),
        ("/projects/", "main tbody a[href^='/projects/']"),
        "/certificates/mine",
        ("/notices/", "main tbody a[href^='/notices/']"),
        "/orgs/mine",
        "/diagnosis/sme-level",
    ],
    "contact1": [  # an enterprise in correction: its audit with findings
        ("/projects/", "main tbody a[href^='/projects/']", "main a[href^='/audits/']"),
    ],
    "consultant": [
        "/dashboard",
        ("/projects/", "main tbody a[href^='/projects/']"),
    ],
    "evaluator": [
        "/dashboard",
        ("/projects/", "main tbody a[href^='/projects/']"),
        "/certificates/issued",
        "/webhooks/",
        "/api-keys/",
    ],
    "alliance": [
        "/dashboard",
        ("/projects/", "main tbody a[href^='/projects/']"),
        "/publicity/desk",
        "/certificates/",
        "/certificates/requests",
        "/projects/region",
        ("/orgs/", "main tbody a[href^='/orgs/']"),
        "/clauses/",
    ],
    "authority": [
        "/dashboard",
        "/assessments/queue",
        "/dashboard/reviews",
        "/assessments/region",
        "/statistics/",
        "/statistics/map",
        ("/campaigns/", "main tbody a[href^='/campaigns/']"),
        "/roster/",
        "/orgs/",
    ],
    "changchun": [  # an authority running a diagnosis programme
        "/dashboard",
        ("/engagements/", "main tbody a[href^='/engagements/']"),
        "/engagements/progress",
        "/engagements/progress-reports",
    ],
    "diagnosis": [
        "/dashboard",
        ("/engagements/", "main tbody a[href^='/engagements/']"),
    ],
    "admin": [
        "/dashboard",
        "/admin/users",
        ("/admin/outbox", "main tbody a[href^='/admin/outbox/']"),
        "/certificates/issued",
    ],
}

# What does not fit, on the page as it stands: the window's sideways overflow (naming the
# outermost boxes that pass the window's edge), column headers that cut a Chinese word in two,
# cells whose text breaks one character per line, or whose content passes the cell's edge.
PAGE_PROBLEMS = """() => {
  const out = [];
  const W = window.innerWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].slice(0, 3).join('.') : '');
  if (document.documentElement.scrollWidth > W) {
    // Boxes past the edge that no scrolling box clips (a positioned one may escape its box).
    const clipped = el => {
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement)
        if (getComputedStyle(box).overflowX !== 'visible') return true;
      return false;
    };
    const over = [...document.body.querySelectorAll('*')].filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > W + 1 &&
        (!clipped(el) || ['absolute', 'fixed'].includes(getComputedStyle(el).position));
    });
    const outermost = over.filter(el => !over.includes(el.parentElement));
    out.push(`page ${document.documentElement.scrollWidth}px wide in ${W}px: ` +
             outermost.slice(0, 4).map(name).join(', '));
  }
  const lines = node => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter(r => r.width > 0)
      .map(r => Math.round(r.top))).size;
  };
  // A line break between two Chinese characters: in a column header, a word cut in two
  // (English wraps at its spaces only).
  const han = /[\u3400-\u9fff]/;
  const cutsAWord = node => {
    const text = node.textContent;
    const range = document.createRange();
    let top = null;
    for (let i = 0; i < text.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (top !== null && rect.top > top + 1 && han.test(text[i]) && han.test(text[i - 1]))
        return true;
      top = rect.top;
    }
    return false;
  };
  for (const cell of document.querySelectorAll('main th, main td')) {
    if (!cell.offsetParent) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text.length < 2 || !node.parentElement.checkVisibility()) continue;  // a closed <details>
      const n = lines(node);
      const columnHeader = cell.matches('thead th, th[scope=col]');
      if (columnHeader && n > 1 && cutsAWord(node)) {
        out.push(`header "${text.slice(0, 30)}" cut inside a word (${n} lines)`);
      } else if (n > 1 && text.length / n < 2) {
        out.push(`"${text.slice(0, 30)}" one character per line (${n} lines)`);
      }
    }
    if (cell.scrollWidth > cell.clientWidth + 1) {
      out.push(`"${cell.innerText.trim().slice(0, 30)}" passes its cell's edge`);
    }
  }
  return [...new Set(out)].slice(0, 12);
}"""

# The top bar: its items (top level, then those of the opened menu on a phone) inside the
# window, each on one line, all on one row when the bar is expanded; Sign out shown.
NAV_PROBLEMS = """(signedIn) => {
  const out = [];
  const W = window.innerWidth;
  const nav = document.querySelector('body > nav.navbar');
  const expanded = getComputedStyle(nav.querySelector('.navbar-toggler')).display === 'none';
  if (!expanded && !nav.querySelector('#mainnav.show')) return out;  // behind the menu button
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const lines = node => { const range = document.createRange(); range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter(r => r.width > 0)
      .map(r => Math.round(r.top))).size; };
  const items = [...nav.querySelectorAll('#mainnav > .navbar-nav > .nav-item')];
  const tops = new Set();
  for (const item of items) {
    const r = item.getBoundingClientRect();
    const label = item.innerText.trim() ||
      item.querySelector('[aria-label]')?.getAttribute('aria-label');
    if (!visible(item)) { out.push(`"${label}" not shown`); continue; }
    if (r.left < -1 || r.right > W + 1)
      out.push(`"${label}" outside the window (${Math.round(r.left)}–${Math.round(r.right)})`);
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (node.textContent.trim() && lines(node) > 1) out.push(`"${label}" wraps inside itself`);
    tops.add(Math.round(r.top / 4));
  }
  if (expanded && tops.size > 1) out.push(`the bar takes ${tops.size} rows`);
  const signOut = nav.querySelector("form[action$='/logout'] button");
  if (signedIn && !(signOut && visible(signOut))) out.push('Sign out not shown');
  return [...new Set(out)];
}"""

# The menu marks the current page (aria-current too) and the group holding it.
ACTIVE_PROBLEMS = """() => {
  const out = [];
  const links = '#mainnav a.nav-link:not([lang]), #mainnav a.dropdown-item';  // not the language
  for (const a of document.querySelectorAll(links)) {
    const here = new URL(a.href).pathname === location.pathname;
    const active = a.classList.contains('active');
    if (here && !active) out.push(`${a.innerText.trim()}: the current page, not marked`);
    if (active && a.getAttribute('aria-current') !== 'page')
      out.push(`${a.innerText.trim()}: no aria-current`);
    const group = a.closest('.dropdown');
    if (active && group && !group.querySelector('.dropdown-toggle').classList.contains('active'))
      out.push(`${a.innerText.trim()}: its group not marked`);
  }
  return out;
}"""


# Charts redraw at the new width on the frame after a resize.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, (url, response and response.status)


def check_page(page, where: str, signed_in: bool) -> list[str]:
    problems = page.evaluate(PAGE_PROBLEMS) + page.evaluate(NAV_PROBLEMS, signed_in)
    problems += page.evaluate(ACTIVE_PROBLEMS)
    return [f"{where}: {problem}" for problem in problems]


def check_dropdowns(page, where: str) -> list[str]:
    """At 1,280: each dropdown of the menu opens on a click, its items inside the window and
    on one line each, and closes on Escape; the first also opens by keyboard, the arrow key
    moving into its items."""
    problems = []
    toggles = page.locator("#mainnav .dropdown-toggle")
    for index in range(toggles.count()):
        toggle = toggles.nth(index)
        label = toggle.inner_text().strip()
        toggle.click()
        menu = toggle.locator("xpath=following-sibling::*[contains(@class,'dropdown-menu')]")
        menu.wait_for(state="visible")
        outside = menu.evaluate("""m => [...m.querySelectorAll('.dropdown-item')].filter(a => {
            const r = a.getBoundingClientRect();
            return r.height === 0 || r.left < 0 || r.right > innerWidth || r.height > 48;
          }).map(a => a.innerText.trim())""")
        if outside:
            problems.append(f"{where}: menu {label}: {outside} hidden, outside or wrapped")
        if toggle.get_attribute("aria-expanded") != "true":
            problems.append(f"{where}: menu {label} opened without aria-expanded")
        page.keyboard.press("Escape")
        menu.wait_for(state="hidden")
    if toggles.count():
        first = toggles.first
        first.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("ArrowDown")
        if not page.evaluate("document.activeElement.classList.contains('dropdown-item')"):
            problems.append(f"{where}: the keyboard does not reach the first menu's items")
        page.keyboard.press("Escape")
    return problems


def check_phone_menu(page, where: str, signed_in: bool) -> list[str]:
    """At 375: the menu button opens the menu, every item and Sign out within reach."""
    toggler = page.locator("nav .navbar-toggler")
    if not toggler.is_visible():
        return [f"{where}: no menu button on a phone"]
    toggler.click()
    page.wait_for_selector("#mainnav.show:not(.collapsing)")
    problems = check_page(page, where + " (menu open)", signed_in)
    toggles = page.locator("#mainnav .dropdown-toggle")
    if toggles.count():
        toggles.first.click()
        menu = toggles.first.locator("xpath=following-sibling::*[contains(@class,'dropdown-menu')]")
        menu.wait_for(state="visible")
        page.keyboard.press("Escape")
    toggler.click()
    page.wait_for_selector("#mainnav:not(.show)", state="attached")
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_pages_fit_a_laptop_and_a_phone_in_both_languages(role, playwright_browser, live_server):
    base = live_server["base"]
    context = new_context(playwright_browser, live_server)
    page = context.new_page()
    signed_in = role != "anonymous"
    if signed_in:
        sign_in(page, base, role + DEMO)
    problems: list[str] = []
    try:
        urls = resolve(page, base, ROLES[role])
        for lang in ("zh", "en"):
            visit(page, f"{base}{urls[0]}?lang={lang}")  # the session keeps the language
            for n, url in enumerate(urls):
                page.set_viewport_size(WIDE)
                visit(page, base + url)
                for size in (WIDE, PHONE):  # the page laid out again at each width
                    page.set_viewport_size(size)
                    page.evaluate(SETTLED)
                    if size is WIDE and (role, url, lang) in SHOTS:
                        shot(page, SHOTS[role, url, lang])
                    where = f"{lang} {size['width']} {url}"
                    problems += check_page(page, where, signed_in)
                    if n == 0:
                        if size is WIDE:
                            problems += check_dropdowns(page, where)
                        else:
                            problems += check_phone_menu(page, where, signed_in)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def resolve(page, base: str, pages: list) -> list[str]:
    """The paths to visit, the detail pages' found by following their links."""
    urls = []
    for entry in pages:
        path, *follow = (entry,) if isinstance(entry, str) else entry
        urls.append(path)
        for selector in follow:
            visit(page, base + path)
            link = page.locator(selector).first
            assert link.count(), (path, selector)
            path = link.get_attribute("href").split("#")[0]
            urls.append(path)
    return urls
