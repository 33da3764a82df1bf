"""Reference-data resolution order (issue 2 item 3): MIPS_REFERENCE_DIR, ../shared, the cache, a download.

The download is served from a local HTTP server on 127.0.0.1 laid out like the upstream repository at the
pinned commit (``MIPS_REFERENCE_BASE_URL``), cached under ``MIPS_CACHE_DIR`` and verified by sha256.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from mips.reference import ReferenceDataError, load_reference

resolve_mod = importlib.import_module("mips.reference.resolve")

SHARED_2024 = (
    Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "qpp-measures-data" / "2024"
)
PINNED = "qpp-measures-data@100b25f"

pytestmark = pytest.mark.skipif(
    not SHARED_2024.is_dir(), reason="../shared/reference is not beside this checkout"
)


class _QuietHandler(SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        super().do_GET()


def _upstream_tree(root: Path) -> None:
    """Lay the 2024 files out under their upstream paths (as raw.githubusercontent.com serves them)."""
    for local_name, meta in resolve_mod.manifest()["years"]["2024"].items():
        dest = root / meta["upstreamPath"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.symlink_to(SHARED_2024 / local_name)


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No MIPS_REFERENCE_DIR, no ../shared, an empty cache under tmp_path."""
    monkeypatch.delenv(resolve_mod.REFERENCE_DIR_ENV, raising=False)
    monkeypatch.delenv(resolve_mod.BASE_URL_ENV, raising=False)
    monkeypatch.setattr(resolve_mod, "shared_reference_candidates", lambda: [])
    cache = tmp_path / "cache"
    monkeypatch.setenv(resolve_mod.CACHE_DIR_ENV, str(cache))
    return cache


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, type[_QuietHandler]]]:
    """A local upstream on 127.0.0.1 (random port); yields its root and handler class (with a request log)."""
    root = tmp_path / "upstream"
    root.mkdir()
    _upstream_tree(root)
    handler = type("Handler", (_QuietHandler,), {"requests": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(resolve_mod.BASE_URL_ENV, f"http://127.0.0.1:{httpd.server_address[1]}/")
    try:
        yield root, handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _env_dir(tmp_path: Path, names=resolve_mod.REQUIRED_FILES) -> Path:
    base = tmp_path / "refdir"
    (base / "2024").mkdir(parents=True)
    for name in names:
        (base / "2024" / name).symlink_to(SHARED_2024 / name)
    return base


# -- 1. MIPS_REFERENCE_DIR -------------------------------------------------------------------------
def test_given_mips_reference_dir_when_resolved_then_it_wins_over_shared(monkeypatch, tmp_path):
    monkeypatch.setenv(resolve_mod.REFERENCE_DIR_ENV, str(_env_dir(tmp_path)))
    where = resolve_mod.resolve(2024)
    assert (where.origin, where.directory, where.version) == ("env", tmp_path / "refdir" / "2024", PINNED)


def test_given_mips_reference_dir_missing_a_file_when_resolved_then_error_names_it(monkeypatch, tmp_path):
    names = [n for n in resolve_mod.REQUIRED_FILES if n != "mvp.json"]
    monkeypatch.setenv(resolve_mod.REFERENCE_DIR_ENV, str(_env_dir(tmp_path, names)))
    with pytest.raises(ReferenceDataError, match=r"lacks mvp\.json"):
        resolve_mod.resolve(2024)


def test_given_modified_files_in_the_env_dir_when_resolved_then_version_is_a_local_digest(
    monkeypatch, tmp_path
):
    base = _env_dir(tmp_path)
    mvp = base / "2024" / "mvp.json"
    content = mvp.read_bytes()
    mvp.unlink()
    mvp.write_bytes(content + b"\n")
    monkeypatch.setenv(resolve_mod.REFERENCE_DIR_ENV, str(base))
    version = resolve_mod.resolve(2024).version
    assert (
        version.startswith("qpp-measures-data@local-") and len(version) == len("qpp-measures-data@local-") + 8
    )


def test_given_mips_reference_dir_when_load_reference_then_data_carries_origin_and_version(
    monkeypatch, tmp_path
):
    monkeypatch.setenv(resolve_mod.REFERENCE_DIR_ENV, str(_env_dir(tmp_path)))
    load_reference.cache_clear()
    try:
        ref = load_reference(2024)
        assert (ref.origin, ref.version) == ("env", PINNED)
        assert ref.measure("001") is not None
    finally:
        load_reference.cache_clear()


# -- 2. ../shared ----------------------------------------------------------------------------------
def test_given_no_env_and_shared_beside_the_checkout_when_resolved_then_shared(monkeypatch):
    monkeypatch.delenv(resolve_mod.REFERENCE_DIR_ENV, raising=False)
    where = resolve_mod.resolve(2024)
    assert (
        where.origin == "shared"
        and where.directory.resolve() == SHARED_2024.resolve()
        and where.version == PINNED
    )


# -- 3./4. cache and download ----------------------------------------------------------------------
def test_given_nothing_local_when_resolved_then_downloads_verifies_and_caches(isolated, server):
    _, handler = server
    where = resolve_mod.resolve(2024)
    assert where.origin == "download" and where.version == PINNED
    assert where.directory == isolated / "qpp-measures-data" / resolve_mod.manifest()["commit"] / "2024"
    for name in resolve_mod.REQUIRED_FILES:
        assert (where.directory / name).read_bytes() == (SHARED_2024 / name).read_bytes()
    assert "/measures/2024/measures-data.json" in handler.requests
    # then: the next resolution is served from the cache without any request
    handler.requests.clear()
    again = resolve_mod.resolve(2024)
    assert again.origin == "cache" and handler.requests == []


def test_given_a_tampered_upstream_file_when_downloaded_then_checksum_mismatch_and_nothing_cached(
    isolated, server
):
    root, _ = server
    target = root / "measures" / "2024" / "measures-data.json"
    target.unlink()
    target.write_bytes((SHARED_2024 / "measures-data.json").read_bytes().replace(b'"001"', b'"00X"', 1))
    with pytest.raises(ReferenceDataError, match="checksum mismatch") as exc:
        resolve_mod.resolve(2024)
    assert resolve_mod.manifest()["years"]["2024"]["measures-data.json"]["sha256"] in str(exc.value)
    cached = isolated / "qpp-measures-data" / resolve_mod.manifest()["commit"] / "2024" / "measures-data.json"
    assert not cached.exists()


def test_given_a_corrupted_cache_file_when_resolved_then_it_is_downloaded_again(isolated, server):
    _, handler = server
    first = resolve_mod.resolve(2024)
    (first.directory / "mvp.json").write_text("[]")
    handler.requests.clear()
    where = resolve_mod.resolve(2024)
    assert where.origin == "download" and handler.requests == ["/mvp/2024/mvp.json"]
    assert (where.directory / "mvp.json").read_bytes() == (SHARED_2024 / "mvp.json").read_bytes()


def test_given_an_unreachable_upstream_when_resolved_then_error_says_it_could_not_download(
    isolated, monkeypatch
):
    monkeypatch.setenv(resolve_mod.BASE_URL_ENV, "http://127.0.0.1:9/")  # discard port: connection refused
    with pytest.raises(ReferenceDataError, match="could not download"):
        resolve_mod.resolve(2024)


def test_given_an_unpinned_year_when_resolved_then_error_lists_the_pinned_years(isolated):
    with pytest.raises(ReferenceDataError, match="no pinned reference data for performance year 2019"):
        resolve_mod.resolve(2019)
