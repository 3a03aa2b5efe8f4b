"""The README's CLI reference and column tables are generated, so they cannot drift.

Regenerate them with ``python -m tests.test_readme``.
"""

import re

from click.testing import CliRunner

from kg.cli import main
from kg.vocab.schema import ENTITY_COLUMNS, LINK_COLUMNS
from tests.conftest import ROOT

README = ROOT / "README.md"


def cli_reference() -> str:
    runner = CliRunner()
    parts = ["```", runner.invoke(main, ["--help"], prog_name="kg", terminal_width=100).output.rstrip(), "```"]
    for name in sorted(main.commands):
        text = runner.invoke(main, [name, "--help"], prog_name="kg", terminal_width=100).output.rstrip()
        parts += ["", f"### kg {name}", "", "```", text, "```"]
    return "\n".join(parts)


def column_tables() -> str:
    parts = []
    for file, columns in (("entities.csv", ENTITY_COLUMNS), ("links.csv", LINK_COLUMNS)):
        parts += [f"`{file}`:", "", "| column | holds |", "| --- | --- |"]
        parts += [f"| `{name}` | {text.replace('|', '&#124;')} |" for name, text in columns.items()]
        parts.append("")
    return "\n".join(parts).rstrip()


def import_names() -> str:
    from kg.vocab.ontology import load_ontology
    from loaders.importer import COLUMN_NAMES, KIND_WORDS, LINK_WORDS

    onto = load_ontology()
    parts = ["| column | also understood as |", "| --- | --- |"]
    parts += [
        f"| `{name}` | {', '.join(f'`{n}`' for n in names if n != name)} |" for name, names in COLUMN_NAMES.items()
    ]
    parts += [
        "",
        "| link column (values: ids, names or aliases, `|`-separated) | also understood as |",
        "| --- | --- |",
    ]
    for name, link in onto.links.items():
        others = [link.label_zh, *LINK_WORDS.get(name, [])]
        parts.append(f"| `{name}` | {', '.join(f'`{n}`' for n in others)} |")
    parts += ["", "| kind | also understood as |", "| --- | --- |"]
    for name, kind in onto.kinds.items():
        others = [kind.label_zh, kind.label_en, *(w for w, k in KIND_WORDS.items() if k == name)]
        parts.append(f"| `{name}` | {', '.join(f'`{n}`' for n in others)} |")
    return "\n".join(parts)


BLOCKS = {"cli": cli_reference, "columns": column_tables, "import-names": import_names}


def block(text: str, name: str) -> str:
    match = re.search(rf"<!-- {name} -->\n(.*?)<!-- /{name} -->", text, flags=re.S)
    assert match, f"README.md has no <!-- {name} --> block"
    return match.group(1).removesuffix("\n")


def test_generated_blocks_are_current():
    text = README.read_text(encoding="utf-8")
    for name, make in BLOCKS.items():
        assert block(text, name) == make(), f"README block '{name}' is stale: run python -m tests.test_readme"


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    for name, make in BLOCKS.items():
        text = re.sub(
            rf"(<!-- {name} -->\n).*?(<!-- /{name} -->)",
            lambda m, make=make: m.group(1) + make() + "\n" + m.group(2),
            text,
            flags=re.S,
        )
    README.write_text(text, encoding="utf-8")


def test_the_python_example_runs():
    """The README's Python example is code that works, not a sketch."""
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[1]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - our own README
    assert len(scope["pg"].nodes) == len(scope["model"].entities) > 250
    assert scope["columns"] and "先进计算大数据创新集聚区" in {row["entity"] for row in scope["rows"]}
