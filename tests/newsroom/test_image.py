"""Docker cannot run here, so read what the image build would take in and do."""

import fnmatch
import re

import pytest

from tests.processes import PROJECT_DIR

MUST_STAY_OUT = [
    ".git", ".env", ".venv", "var", "test-artifacts", "tests", "bench", "stripe_testserver",
]  # fmt: skip


def dockerignore_patterns() -> list[str]:
    lines = (PROJECT_DIR / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def excluded(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern also covers what is under it."""
    verdict = False
    for pattern in dockerignore_patterns():
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        glob = pattern.replace("**/", "")
        if any(fnmatch.fnmatch(p, pattern) for p in prefixes) or (
            pattern.startswith("**/") and any(fnmatch.fnmatch(part, glob) for part in parts)
        ):
            verdict = not negate
    return verdict


@pytest.mark.parametrize("name", MUST_STAY_OUT)
def test_the_build_context_leaves_out_secrets_state_and_dev_tooling(name):
    assert excluded(name), name
    assert excluded(f"{name}/anything/inside"), name


def test_the_build_context_keeps_everything_the_app_runs_from():
    top = ["manage.py", "pyproject.toml", "README.md"]
    app_files = top + [
        str(path.relative_to(PROJECT_DIR))
        for folder in ("newsroom", "articles", "support", "accounts", "templates", "static")
        for path in (PROJECT_DIR / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]

    assert "newsroom/settings.py" in app_files
    assert [f for f in app_files if excluded(f)] == []
    assert excluded(".env.production") and not excluded(".env.example")


def test_the_image_runs_as_an_unprivileged_user_and_collects_static_files_at_build():
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]

    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    collect = next(i for i, line in enumerate(instructions) if "collectstatic" in line)
    assert collect < next(i for i, line in enumerate(instructions) if line.startswith("CMD"))
    assert re.search(r"^RUN .*pip install", dockerfile, flags=re.MULTILINE)
    assert "stripe_testserver" not in dockerfile
