"""Find the CMS qpp-measures-data files for a performance year.

Resolution order (issue #2): ``MIPS_REFERENCE_DIR``; else ``../shared/reference/qpp-measures-data``
beside the project when present; else download the year's files from CMSgov/qpp-measures-data at the
pinned commit, verify each file's sha256 against ``checksums.json`` and cache them under the user's
cache directory (``MIPS_CACHE_DIR`` overrides it, e.g. ``/tmp`` on Lambda).

The data is never copied into this repository: it is CMS's, versioned upstream, and we only pin it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR_ENV = "MIPS_REFERENCE_DIR"
CACHE_DIR_ENV = "MIPS_CACHE_DIR"
BASE_URL_ENV = "MIPS_REFERENCE_BASE_URL"
DEFAULT_BASE_URL = "https://raw.githubusercontent.com/{repository}/{commit}/"

#: The files of one year the engine reads, by their local (flattened) name.
REQUIRED_FILES = ("measures-data.json", "benchmarks.json", "cost-national-averages.json", "mvp.json")
OPTIONAL_FILES = ("benchmark-exclusion-reasons.json", "clinical-clusters.json")
#: Files a year may lack upstream (there is no ``benchmarks/2026/cost-national-averages.json``): such a
#: year's manifest omits them and they are then not required.
YEAR_OPTIONAL_FILES = ("cost-national-averages.json",)


class ReferenceDataError(RuntimeError):
    """The reference data could not be found, downloaded or verified."""


@dataclass(frozen=True)
class ResolvedReference:
    """Where a year's files are and which version they are."""

    year: int
    directory: Path
    origin: str  # "env", "shared", "cache" or "download"
    version: str  # e.g. "qpp-measures-data@100b25f" or "qpp-measures-data@local-1a2b3c4d"


@cache
def manifest() -> dict:
    """The pinned commit and per-file checksums shipped with the package."""
    return json.loads((Path(__file__).with_name("checksums.json")).read_text())


def _project_root() -> Path:
    # shared/mips/reference/resolve.py -> repository root
    return Path(__file__).resolve().parents[3]


def shared_reference_candidates() -> list[Path]:
    """``../shared/reference/qpp-measures-data`` relative to the project root and to the CWD."""
    rel = Path("shared") / "reference" / "qpp-measures-data"
    seen: list[Path] = []
    for base in (_project_root().parent, Path.cwd().parent):
        cand = (base / rel).resolve()
        if cand not in seen:
            seen.append(cand)
    return seen


def cache_root() -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        base = Path(override)
    else:
        from platformdirs import user_cache_dir  # only without MIPS_CACHE_DIR (not on Lambda)

        base = Path(user_cache_dir("mips-scoring"))
    return base / "qpp-measures-data" / manifest()["commit"]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _year_manifest(year: int) -> dict[str, dict[str, str]]:
    years = manifest()["years"]
    if str(year) not in years:
        raise ReferenceDataError(
            f"no pinned reference data for performance year {year}; pinned years: {', '.join(sorted(years))}"
        )
    return years[str(year)]


def version_of(directory: Path, year: int) -> str:
    """``qpp-measures-data@<short commit>`` when the files match the pinned checksums, else a local digest."""
    short = manifest()["commit"][:7]
    try:
        pinned = _year_manifest(year)
    except ReferenceDataError:
        pinned = {}
    digests = {name: sha256_of(directory / name) for name in REQUIRED_FILES if (directory / name).exists()}
    if pinned and all(digests.get(n) == pinned[n]["sha256"] for n in REQUIRED_FILES if n in pinned):
        return f"qpp-measures-data@{short}"
    combined = hashlib.sha256("".join(digests[k] for k in sorted(digests)).encode()).hexdigest()[:8]
    return f"qpp-measures-data@local-{combined}"


def required_files(year: int) -> tuple[str, ...]:
    """The required files of ``year``: :data:`REQUIRED_FILES`, less those its pinned manifest omits."""
    try:
        pinned = _year_manifest(year)
    except ReferenceDataError:
        return REQUIRED_FILES
    return tuple(n for n in REQUIRED_FILES if n in pinned or n not in YEAR_OPTIONAL_FILES)


def _complete(directory: Path, year: int) -> bool:
    return all((directory / name).is_file() for name in required_files(year))


def download_year(year: int, target: Path, base_url: str | None = None) -> None:
    """Download and verify one year's files into ``target`` (atomically per file)."""
    # imported here, not at module level: only a download needs them (~5 ms of every cold start otherwise)
    from tempfile import mkstemp
    from urllib.request import urlopen

    info = manifest()
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    base = base.format(repository=info["repository"], commit=info["commit"])
    if not base.endswith("/"):
        base += "/"
    target.mkdir(parents=True, exist_ok=True)
    for local_name, meta in _year_manifest(year).items():
        dest = target / local_name
        if dest.is_file() and sha256_of(dest) == meta["sha256"]:
            continue
        url = base + meta["upstreamPath"]
        try:
            with urlopen(url, timeout=60) as resp:
                payload = resp.read()
        except OSError as exc:
            if local_name in OPTIONAL_FILES:
                continue
            raise ReferenceDataError(f"could not download {url}: {exc}") from exc
        digest = hashlib.sha256(payload).hexdigest()
        if digest != meta["sha256"]:
            raise ReferenceDataError(
                f"checksum mismatch for {url}: expected sha256 {meta['sha256']}, got {digest}; "
                "the file was not cached"
            )
        fd, tmp = mkstemp(dir=target, prefix=f".{local_name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, dest)


def resolve(year: int) -> ResolvedReference:
    """Locate (downloading if needed) the reference files for ``year``; see the module docstring."""
    env_dir = os.environ.get(REFERENCE_DIR_ENV)
    if env_dir:
        directory = Path(env_dir) / str(year)
        if not _complete(directory, year):
            missing = [n for n in required_files(year) if not (directory / n).is_file()]
            raise ReferenceDataError(
                f"{REFERENCE_DIR_ENV}={env_dir}: {directory} lacks {', '.join(missing)} "
                f"(expected <dir>/<year>/{{{','.join(required_files(year))}}})"
            )
        return ResolvedReference(year, directory, "env", version_of(directory, year))
    for cand in shared_reference_candidates():
        directory = cand / str(year)
        if _complete(directory, year):
            return ResolvedReference(year, directory, "shared", version_of(directory, year))
    directory = cache_root() / str(year)
    pinned = _year_manifest(year)
    if _complete(directory, year) and all(
        sha256_of(directory / n) == pinned[n]["sha256"] for n in required_files(year)
    ):
        return ResolvedReference(year, directory, "cache", version_of(directory, year))
    download_year(year, directory)
    return ResolvedReference(year, directory, "download", version_of(directory, year))
