"""axe-core in the browser tests: every page checked for serious and critical violations.

axe-core is vendored from npm (`make vendor`, static/vendor/axe-core/). It is put into the page
with `page.evaluate`, which Playwright runs through the DevTools protocol, outside the page's
Content Security Policy: a <script> tag with its content (`add_script_tag(content=...)`) would
be inline script, which ATMT's CSP rightly refuses, and serving it from a URL would ship a test
tool to users. The pages' own CSP stays in force for everything else.
"""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
# The impacts that fail a test; "moderate" and "minor" are left to review by eye.
FAILING_IMPACTS = ("serious", "critical")


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def accessibility_violations(page: Page) -> list[str]:
    """The serious and critical axe violations on the page as it is now, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source()}\n}}")
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {', '.join(violation['targets'][:5])}"
        for violation in results
        if violation["impact"] in FAILING_IMPACTS
    ]
