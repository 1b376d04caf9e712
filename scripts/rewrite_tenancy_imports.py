#!/usr/bin/env python3
"""Point every import of the tenancy names at the organisations app; safe to run again (after a rebase).

    .venv/bin/python scripts/rewrite_tenancy_imports.py [paths...]   # default: every tracked .py file

``from assessments.models import Candidate, Organisation`` becomes ``from assessments.models import
Candidate`` and ``from organisations.models import Organisation`` (at any indentation, aliases and a
trailing comment kept); ``"assessments.Organisation"`` model references become
``"organisations.Organisation"``; the temporary re-exports in assessments go (a module that only
re-exports, too). Migrations are left as
they are: they describe history. A use of ``selectors.membership_get`` through ``from assessments
import selectors`` cannot be rewritten by imports alone and is only reported. ruff then sorts and
formats the files that changed.
"""

import ast
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TENANCY_MODELS = {name: "organisations.models" for name in ("Organisation", "Membership", "Role")}
MOVES: dict[str, dict[str, str]] = {
    "assessments.models": TENANCY_MODELS,
    "assessments.models.organisations": {**TENANCY_MODELS, "Candidate": "assessments.models.candidates"},
    "assessments.selectors": {name: "organisations.selectors" for name in ("MANAGER_ROLES", "membership_get")},
    "assessments.selectors.memberships": {
        name: "organisations.selectors"
        for name in ("MANAGER_ROLES", "membership_get", "membership_list", "member_user_find")
    },
}
MODEL_REFERENCES = re.compile(r"""(["'])assessments\.(Organisation|Membership)\1""")
ATTRIBUTE_USES = re.compile(r"\bselectors\.(membership_get|MANAGER_ROLES)\b")
REEXPORTS = {  # path: lines to drop once nothing imports the old names
    "assessments/models/__init__.py": [
        "from organisations.models import Membership, Organisation, Role  # until every import names organisations\n",
        '    "Membership",\n',
        '    "Organisation",\n',
        '    "Role",\n',
    ],
    "assessments/selectors.py": [
        "# Until every import names organisations.selectors (scripts/rewrite_tenancy_imports.py):\n",
        "from organisations.selectors import MANAGER_ROLES as MANAGER_ROLES\n",
        "from organisations.selectors import membership_get as membership_get\n",
    ],
}
SHIMS = ["assessments/selectors/memberships.py"]  # modules that only re-export: deleted once nothing imports them


def _alias(name: ast.alias) -> str:
    return f"{name.name} as {name.asname}" if name.asname else name.name


def _replacement(node: ast.ImportFrom, moved: dict[str, str], indent: str) -> list[str]:
    by_module: dict[str, list[str]] = defaultdict(list)
    for name in node.names:
        by_module[moved.get(name.name, node.module or "")].append(_alias(name))
    return [f"{indent}from {module} import {', '.join(names)}" for module, names in by_module.items()]


def rewrite_imports(source: str) -> str:
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.walk(ast.parse(source)):
        moved = MOVES.get(node.module or "") if isinstance(node, ast.ImportFrom) and node.level == 0 else None
        if not moved or not any(name.name in moved for name in node.names):
            continue
        assert isinstance(node, ast.ImportFrom) and node.end_lineno is not None and node.end_col_offset is not None
        first, last = lines[node.lineno - 1], lines[node.end_lineno - 1]
        trailing = last[node.end_col_offset :].rstrip("\n")
        new = _replacement(node, moved, first[: node.col_offset])
        new[0] += trailing if trailing.strip() else ""
        edits.append((node.lineno - 1, node.end_lineno, [line + "\n" for line in new]))
    for start, end, new_lines in sorted(edits, reverse=True):
        lines[start:end] = new_lines
    return "".join(lines)


def rewrite(path: Path) -> bool:
    source = path.read_text()
    text = MODEL_REFERENCES.sub(r"\1organisations.\2\1", rewrite_imports(source))
    for line in REEXPORTS.get(path.relative_to(ROOT).as_posix(), []):
        text = text.replace(line, "")
    for match in ATTRIBUTE_USES.finditer(text):
        print(f"{path.relative_to(ROOT)}: rewrite by hand: selectors.{match.group(1)}", file=sys.stderr)
    if text == source:
        return False
    path.write_text(text)
    return True


def _tracked_python_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, check=True, capture_output=True, text=True)
    return [ROOT / name for name in names.stdout.split()]


def main(arguments: list[str]) -> None:
    paths = [Path(arg).resolve() for arg in arguments] or _tracked_python_files()
    paths = [path for path in paths if "migrations" not in path.parts and path != Path(__file__).resolve()]
    changed = [str(path) for path in paths if path.exists() and rewrite(path)]
    for shim in SHIMS:
        if (ROOT / shim).exists():
            subprocess.run(["git", "rm", "--quiet", shim], cwd=ROOT, check=True)
            print(f"{shim} removed")
    if changed:
        ruff = str(ROOT / ".venv/bin/ruff")
        subprocess.run([ruff, "check", "--select", "I,F401", "--fix", "--quiet", *changed], cwd=ROOT, check=False)
        subprocess.run([ruff, "format", "--quiet", *changed], cwd=ROOT, check=True)
    print(f"{len(changed)} files rewritten")


if __name__ == "__main__":
    main(sys.argv[1:])
