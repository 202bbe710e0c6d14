"""The app's JavaScript and CSS are served without whole-line comments, and still parse."""

import shutil
import subprocess
from pathlib import Path

import pytest

from server.web import PWA_DIR, strip_comments


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("// note\nconst a = 1;\n", "const a = 1;\n"),
        ("/**\n * Doc.\n */\nexport function f() {}\n", "export function f() {}\n"),
        ("/* one line */\nx();\n\n\ny();\n", "x();\ny();\n"),
        (
            'const url = "http://x"; // trailing stays\n',
            'const url = "http://x"; // trailing stays\n',
        ),
    ],
)
def test_whole_line_comments_go(source, expected):
    assert strip_comments(source, js=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        "const t = `\n// inside a template\n`;\n",
        "/* block\n */ x();\n",
        "/* a */ x(); /* b */\n",
    ],
)
def test_unsure_files_are_served_as_written(source):
    assert strip_comments(source, js=True) == source


def test_css_keeps_double_slashes():
    assert strip_comments("/* c */\na { b: url(//x); }\n", js=False) == "a { b: url(//x); }\n"


# Parses each file given as an ES module without linking or running it; prints each failure.
PARSE_MODULES_JS = """
import vm from "node:vm";
import { readFileSync } from "node:fs";
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    new vm.SourceTextModule(readFileSync(file, "utf8"), { identifier: file });
  } catch (error) {
    failed += 1;
    console.error(`${file}: ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
"""


def parse_modules(tmp_path: Path, files: list[str]) -> subprocess.CompletedProcess:
    """Parse the files as ES modules in one node process."""
    checker = tmp_path / "parse.mjs"
    checker.write_text(PARSE_MODULES_JS)
    return subprocess.run(
        ["node", "--experimental-vm-modules", "--no-warnings", str(checker), *files],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_served_module_still_parses(tmp_path):
    """Parse every served module in one node process (one `node --check` each cost ~9 s)."""
    files = sorted(Path(PWA_DIR).rglob("*.js"))
    assert files
    served = []
    for path in files:
        out = tmp_path / path.relative_to(PWA_DIR).with_suffix(".mjs")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(strip_comments(path.read_text(encoding="utf-8"), js=True))
        served.append(str(out))
    result = parse_modules(tmp_path, served)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_module_parser_refuses_a_broken_module(tmp_path):
    """The check above can fail: a module that does not parse is named with its error."""
    broken = tmp_path / "broken.mjs"
    broken.write_text("export const x = ;\n")
    result = parse_modules(tmp_path, [str(broken)])
    assert result.returncode == 1
    assert "broken.mjs: Unexpected token" in result.stderr


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/", True),
        ("/sw.js", True),
        ("/js/app.js", False),
        ("/css/app.css", False),
    ],
)
def test_page_headers_only_where_a_page_or_worker_runs(client, path, page):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert ("Content-Security-Policy" in response.headers) is page
    assert ("X-Frame-Options" in response.headers) is page
