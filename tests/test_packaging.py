"""Packaging: the licence ships, the installed package cannot be shadowed, and every
folder of the package is built without a warning."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_mit_licence_ships_with_the_package() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    meta = metadata("claimx")
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]


def test_a_folder_named_claimx_does_not_shadow_the_package(tmp_path: Path) -> None:
    # Run from the folder that holds a checkout named claimx, Python put that folder
    # first as an empty namespace package: "module 'claimx' has no attribute 'extract'".
    (tmp_path / "claimx").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", "import claimx; print(callable(claimx.extract))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "True\n", "")


def test_the_stance_model_is_found_from_the_checkouts_root() -> None:
    # There, `import claimx` is the source folder, where models/stance is not mapped in as
    # claimx.stance_pipeline the way the install maps it (make bench runs from there).
    code = "from claimx.stance import default_path; print(default_path())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert Path(done.stdout.strip()).resolve() == ROOT / "models" / "stance"


def test_every_folder_of_the_package_is_listed_so_builds_do_not_warn() -> None:
    """setuptools warns "Package would be ignored" (hundreds of lines on `make run`) for a
    folder under claimx/ that pyproject.toml does not list, and leaves its files out."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(path.relative_to(ROOT).parts)
        for path in [ROOT / "claimx", *(ROOT / "claimx").rglob("*")]
        if path.is_dir() and path.name != "__pycache__" and any(path.iterdir())
    }
    assert folders <= listed
