"""Shared helpers for the interop scenarios (fixtures live in conftest.py)."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import lakefs
from lakefs.client import Client

ROOT = Path(__file__).resolve().parents[2]

# The same switch as test/support/lakefs.ts: with LAKEFS_TEST_ENDPOINT (plus the access key,
# secret and a storage namespace prefix) the suite runs against that lakeFS instead of starting
# the embedded server.
EXTERNAL_ENDPOINT = os.environ.get("LAKEFS_TEST_ENDPOINT", "").rstrip("/").removesuffix("/api/v1")
if EXTERNAL_ENDPOINT:
    ACCESS_KEY_ID = os.environ["LAKEFS_TEST_ACCESS_KEY_ID"]
    SECRET_ACCESS_KEY = os.environ["LAKEFS_TEST_SECRET_ACCESS_KEY"]
    NAMESPACE_PREFIX = os.environ["LAKEFS_TEST_STORAGE_NAMESPACE"].rstrip("/") + "/"
else:
    # lakeFS's well-known quickstart key pair, which `run --quickstart` installs.
    ACCESS_KEY_ID = "AKIAIOSFOLQUICKSTART"
    SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    NAMESPACE_PREFIX = "local://"

NEEDS_EMBEDDED = "needs the embedded server (LAKEFS_TEST_ENDPOINT points at another lakeFS)"


def namespace(name: str) -> str:
    """The storage namespace for a repository named `name` on the server under test."""
    return f"{NAMESPACE_PREFIX}{name}"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_repo(client: Client, prefix: str = "py", **kwargs) -> lakefs.Repository:
    """A fresh repository with a unique name and its own storage namespace."""
    name = unique(prefix)
    return lakefs.repository(name, client=client).create(
        storage_namespace=namespace(name), **kwargs
    )


def commit_ids(ref, **kwargs) -> list[str]:
    return [c.id for c in ref.log(**kwargs)]


def put(branch, path: str, data: bytes | str, **kwargs):
    """Uploads one object on a branch and returns its handle."""
    return branch.object(path).upload(data=data, **kwargs)


def raw_request(server, method: str, path: str, body=None) -> tuple[int, dict]:
    """A JSON request below /api/v1 with the quickstart credentials, bypassing the SDKs."""
    token = base64.b64encode(f"{ACCESS_KEY_ID}:{SECRET_ACCESS_KEY}".encode()).decode()
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as resp:
            status, text = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read()
    return status, json.loads(text) if text else {}
