"""Accessibility checks with axe-core (installed by scripts/build-frontend from frontend/package-lock.json).

axe runs inside the page, injected through the DevTools protocol (so the page's strict CSP does not
refuse it); only violations of impact serious or critical fail a test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((node) => node.target.join(' ')),
    }));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The page's serious and critical axe-core violations (rule, impact, help, up to five elements)."""
    if page.evaluate("typeof window.axe") != "object":
        page.evaluate(AXE.read_text())
    return [violation for violation in page.evaluate(RUN) if violation["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in violations)
