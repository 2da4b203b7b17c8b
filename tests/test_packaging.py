"""Packaging: the licence ships, and the installed package cannot be shadowed."""

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
