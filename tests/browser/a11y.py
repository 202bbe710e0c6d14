"""Accessibility checks run on a live screen: axe-core, touch-target sizes and AAA contrast.

axe-core comes from the `axe-playwright-python` package (a test-only dependency that bundles
`axe.min.js`); the tests inject it into the page, so the app never serves it to users.
"""

from __future__ import annotations

import re

from axe_playwright_python.base import AXE_SCRIPT

AXE_VERSION = re.search(r"axe v(\d+\.\d+\.\d+)", AXE_SCRIPT[:200]).group(1)
BLOCKING = ("serious", "critical")
TARGET = 44  # CSS px: WCAG 2.5.5 (AAA) target size, the size a thumb hits on a moving bus
# Text the issue asks to reach AAA (7:1, or 4.5:1 when large): the sync chip and small print.
AAA_TEXT = [
    "#sync-chip",
    ".small",
    ".muted",
    ".row-sub",
    ".label",
    ".count-label",
    ".field-error",
    ".badge",
    ".tabbar a",
    ".tab-badge",
    ".fields dt",
    ".diff-initial dt",
]

# Every visible interactive element and the box a finger can hit. A checkbox or radio counts
# with the label that wraps it (or names it with for=), which takes the tap as well.
# Exempt, per WCAG 2.5.5: a link inline in running text (display inline and the block around
# it holds more text than the link) — nothing else.
TARGETS_JS = """
(minimum) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[hidden], [inert]');
  };
  const inlineInText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    return Boolean(block) && block.textContent.trim().length > el.textContent.trim().length;
  };
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const data = [...el.attributes].filter((a) => a.name.startsWith('data-')).map((a) => `[${a.name}="${a.value}"]`).join('');
    const text = (el.textContent || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${id}${cls}${data} "${text}"`;
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || inlineInText(el)) continue;
    const boxes = [el.getBoundingClientRect()];
    if (el.type === 'checkbox' || el.type === 'radio') {
      for (const label of el.labels || []) boxes.push(label.getBoundingClientRect());
    }
    const fits = boxes.some((r) => r.width >= minimum - 0.5 && r.height >= minimum - 0.5);
    if (!fits) {
      const r = boxes[boxes.length - 1];
      small.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}
"""


def inject(page) -> None:
    """Load axe-core into the page unless it is there already."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)


def axe_run(page, context=None, options=None) -> dict:
    """Run axe on the page (or a context) with the given options; return its results."""
    inject(page)
    return page.evaluate(
        "([context, options]) => axe.run(context || document, options || {})",
        [context, {"resultTypes": ["violations"], **(options or {})}],
    )


def describe(violation: dict) -> list[str]:
    """One line per failing node: rule, impact, target, what to fix and where to read why."""
    return [
        f"{violation['id']} ({violation['impact']}) {' '.join(map(str, node['target']))}: "
        f"{violation['help']} — {violation['helpUrl']}"
        for node in violation["nodes"]
    ]


# One axe run per screen: every rule, AAA contrast included, whose results are then kept only
# for the text AAA_TEXT names (and what lies inside it). Two runs per screen cost twice as much.
SCREEN_JS = """
async ([aaa]) => {
  const results = await axe.run(document, {
    resultTypes: ['violations'],
    rules: { 'color-contrast-enhanced': { enabled: true } },
  });
  const inAaa = (node) => {
    const el = document.querySelector(node.target[0]);
    return Boolean(el && aaa.length && el.closest(aaa.join(',')));
  };
  for (const v of results.violations) {
    if (v.id === 'color-contrast-enhanced') v.nodes = v.nodes.filter(inAaa);
  }
  return results.violations.filter((v) => v.nodes.length);
}
"""


def screen_violations(page) -> list[str]:
    """Serious and critical axe violations, and AAA_TEXT missing the enhanced contrast ratio."""
    inject(page)
    violations = page.evaluate(SCREEN_JS, [AAA_TEXT])
    return [
        line
        for violation in violations
        if violation["id"] == "color-contrast-enhanced" or violation["impact"] in BLOCKING
        for line in describe(violation)
    ]


def scroll_regions(page) -> tuple[int, list[str]]:
    """How many scrolling regions axe checked for keyboard access, and which fail."""
    results = axe_run(
        page,
        None,
        {
            "runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]},
            "resultTypes": ["passes", "violations"],
        },
    )
    checked = sum(len(rule["nodes"]) for rule in results["passes"])
    return checked, [line for violation in results["violations"] for line in describe(violation)]


def small_targets(page) -> list[str]:
    """Visible interactive elements whose hit area is under 44×44 CSS px."""
    return page.evaluate(TARGETS_JS, TARGET)


def sideways(page) -> int:
    """How far the page scrolls sideways (WCAG 1.4.10 reflow: 0 at 360 px)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def toast_problems(page) -> list[str]:
    """Audit a showing toast on its own, then hide it: the screen under it is audited next.

    Waiting the 3.5 s a toast shows, after every save, was a tenth of the browser tests' time.
    """
    if not page.locator("#toast:not([hidden])").count():
        return []
    results = axe_run(page, {"include": [["#toast"]]})
    problems = [
        "toast: " + line
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for line in describe(violation)
    ]
    page.evaluate("() => { document.getElementById('toast').hidden = true; }")
    return problems


def audit(page, screen: str, *, phone: bool = True) -> list[str]:
    """Every accessibility problem on the current screen, each line prefixed with its name."""
    problems = toast_problems(page)
    problems += screen_violations(page)
    if phone:
        problems += ["target < 44 px: " + line for line in small_targets(page)]
        if (extra := sideways(page)) > 0:
            problems.append(f"the page scrolls sideways by {extra} px")
    return [f"[{screen}] {line}" for line in problems]
