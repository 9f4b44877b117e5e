"""Checks run inside the browser on a rendered page: labels, contrast, focus."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# Every visible form control has a label a screen reader reads: <label for>, a wrapping
# label, aria-label or aria-labelledby.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""

# WCAG 2.1 contrast of every visible text against the background behind it: 4.5:1, or
# 3:1 for large text (24px, or 18.66px bold).
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    if (el.closest('[hidden], .visually-hidden, .skip')) continue;
    const a = lum(rgb(style.color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < needed) bad.push(`${el.tagName} "${text}" ${ratio.toFixed(2)}`);
  }
  return bad;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 40),
          href: el.getAttribute('href'), outline: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth)};
}"""


def unlabelled(page: Page) -> list[str]:
    page.wait_for_load_state()  # a page still loading has no body to walk yet
    found: list[str] = page.evaluate(UNLABELLED)
    return found


def low_contrast(page: Page) -> list[str]:
    # the page a click opened, loaded: evaluated while it still loaded, `document.body`
    # was null (createTreeWalker: "parameter 1 is not of type 'Node'", once in CI)
    page.wait_for_load_state()
    found: list[str] = page.evaluate(LOW_CONTRAST)
    return found


def tab_through(page: Page, presses: int) -> list[dict[str, Any]]:
    """Press Tab from the top of the page; what took the focus each time."""
    page.locator("body").focus()
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is not None:
            reached.append(focused)
    return reached
