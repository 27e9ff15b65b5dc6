"""Fixtures that run the embedded lakefs-ts server for the official Python SDK.

Each server is a real `lakefs-ts-server run --quickstart` process on a free loopback port with
its own temporary data directory, started once per session when a test first needs it:

* `server`          plain (no presign, no import), like lakeFS on local storage;
* `presign_server`  with --presign, so the SDK takes its presigned upload/download paths;
* `import_server`   with --import-root <tmp>, so local directories can be imported.

Every test gets its own repository (`repo`, or `new_repo(client)` for more).

With LAKEFS_TEST_ENDPOINT, LAKEFS_TEST_ACCESS_KEY_ID, LAKEFS_TEST_SECRET_ACCESS_KEY and
LAKEFS_TEST_STORAGE_NAMESPACE set (as for the TypeScript suite), `server` is that lakeFS and the
fixtures that need our own server (presign, import roots) skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import lakefs
import pytest
from helpers import (
    ACCESS_KEY_ID,
    EXTERNAL_ENDPOINT,
    NEEDS_EMBEDDED,
    ROOT,
    SECRET_ACCESS_KEY,
    new_repo,
)
from lakefs.client import Client

SERVER_BIN = ROOT / "packages" / "server" / "bin" / "lakefs-ts-server.js"
STARTUP_TIMEOUT_S = 60


@dataclass
class RunningServer:
    url: str
    data_dir: Path | None
    import_root: Path | None
    process: subprocess.Popen | None
    log_path: Path | None

    def client(self, **overrides) -> Client:
        options = {"host": self.url, "username": ACCESS_KEY_ID, "password": SECRET_ACCESS_KEY}
        options.update(overrides)
        return Client(**options)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(server: RunningServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    url = f"{server.url}/api/v1/healthcheck"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"lakefs-ts-server exited with {server.process.returncode}:\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status in (200, 204):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"lakefs-ts-server not healthy after {STARTUP_TIMEOUT_S}s:\n{server.log()}")


def _stop(server: RunningServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def _start_server(tmp_root: Path, *extra: str, import_root: Path | None = None) -> RunningServer:
    if not (ROOT / "packages" / "server" / "dist" / "cli.js").exists():
        raise RuntimeError("packages/server/dist is missing: run `npm run build` first")
    data_dir = tmp_root / "data"
    port = _free_port()
    log_path = tmp_root / "server.log"
    args = ["node", str(SERVER_BIN), "run", "--quickstart", "--data", str(data_dir)]
    args += ["--port", str(port), *extra]
    if import_root is not None:
        args += ["--import-root", str(import_root)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    server = RunningServer(f"http://127.0.0.1:{port}", data_dir, import_root, process, log_path)
    try:
        _wait_healthy(server)
    except BaseException:
        _stop(server)
        raise
    return server


def _server_fixture(tmp_path_factory, name: str, *extra: str, with_import_root: bool = False):
    tmp_root = tmp_path_factory.mktemp(name)
    import_root = None
    if with_import_root:
        import_root = tmp_root / "import-root"
        import_root.mkdir()
    server = _start_server(tmp_root, *extra, import_root=import_root)
    try:
        yield server
    finally:
        _stop(server)
        if server.process.returncode not in (0, -15):
            print(f"lakefs-ts-server {name} exited with {server.process.returncode}:\n{server.log()}")
        shutil.rmtree(tmp_root, ignore_errors=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if EXTERNAL_ENDPOINT:
        yield RunningServer(EXTERNAL_ENDPOINT, None, None, None, None)
        return
    yield from _server_fixture(tmp_path_factory, "plain")


@pytest.fixture(scope="session")
def presign_server(tmp_path_factory):
    if EXTERNAL_ENDPOINT:
        pytest.skip(NEEDS_EMBEDDED)
    yield from _server_fixture(tmp_path_factory, "presign", "--presign")


@pytest.fixture(scope="session")
def import_server(tmp_path_factory):
    if EXTERNAL_ENDPOINT:
        pytest.skip(NEEDS_EMBEDDED)
    yield from _server_fixture(tmp_path_factory, "import", with_import_root=True)


@pytest.fixture
def client(server) -> Client:
    return server.client()


@pytest.fixture
def repo(client) -> lakefs.Repository:
    return new_repo(client)


@pytest.fixture(params=["plain", "presign"])
def object_server(request):
    """The object suite runs once against each upload/download path."""
    return request.getfixturevalue("server" if request.param == "plain" else "presign_server")


@pytest.fixture
def object_repo(object_server) -> lakefs.Repository:
    return new_repo(object_server.client())


@pytest.fixture(autouse=True)
def _no_lakectl_config(monkeypatch, tmp_path):
    """Keep a developer's ~/.lakectl.yaml and LAKECTL_* variables out of the tests."""
    for key in list(os.environ):
        if key.startswith("LAKECTL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("LAKECTL_CONFIG_FILE", str(tmp_path / "no-such-lakectl.yaml"))
