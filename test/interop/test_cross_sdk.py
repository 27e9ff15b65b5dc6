"""Cross-SDK check: what lakefs-ts writes, the Python SDK reads byte for byte with the same
content type and metadata, and vice versa. The TypeScript side is lakefs_ts_side.ts, run through
tsx from source; both run against each server mode (presign off and on).
"""

import base64
import hashlib
import json
import os
import subprocess

import pytest
from helpers import ACCESS_KEY_ID, ROOT, SECRET_ACCESS_KEY, new_repo, put

TS_SIDE = ROOT / "test" / "interop" / "lakefs_ts_side.ts"

# Metadata keys are lower case: the Python raw upload path cannot keep case (HTTP headers), and
# lakefs-ts stores lower case on every path.
OBJECTS = [
    ("empty", b"", None, None),
    ("text/hello.txt", "héllo, wörld\n".encode(), "text/plain; charset=utf-8", {"lang": "de"}),
    ("bin/random.bin", os.urandom(1024 * 1024 + 3), "application/x-random", {"a": "1", "b": "2"}),
    ("dir with space/ünï.json", b'{"k": [1, 2]}', "application/json", {"owner": "both sdks"}),
]
# Bigger than lakefs-ts's default part size, so with presign it goes multipart.
LARGE = ("large/blob.bin", os.urandom(9 * 1024 * 1024), "application/octet-stream", {"big": "yes"})


def ts_side(server, repo_id: str, **request):
    payload = {
        "endpoint": f"{server.url}/api/v1",
        "accessKeyId": ACCESS_KEY_ID,
        "secretAccessKey": SECRET_ACCESS_KEY,
        "repository": repo_id,
        **request,
    }
    done = subprocess.run(
        ["node", "--conditions=development", "--import", "tsx", str(TS_SIDE)],
        cwd=ROOT,
        input=json.dumps(payload).encode(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, f"lakefs-ts side failed:\n{done.stderr.decode(errors='replace')}"
    return json.loads(done.stdout)


def without_none(**fields):
    return {k: v for k, v in fields.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_python_writes_lakefs_ts_reads(object_server):
    repo = new_repo(object_server.client())
    main = repo.branch("main")
    for path, data, content_type, metadata in OBJECTS:
        put(main, path, data, content_type=content_type, metadata=metadata)

    read = ts_side(object_server, repo.id, action="read", paths=[o[0] for o in OBJECTS])
    for (path, data, content_type, metadata), got in zip(OBJECTS, read):
        assert got["path"] == path
        assert base64.b64decode(got["data"]) == data, path
        assert got["sizeBytes"] == len(data)
        assert got["checksum"] == hashlib.md5(data).hexdigest()
        assert got["contentType"] == (content_type or "application/octet-stream")
        assert got["metadata"] == (metadata or {})


def test_lakefs_ts_writes_python_reads(object_server):
    repo = new_repo(object_server.client())
    objects = [*OBJECTS, LARGE]
    written = ts_side(
        object_server,
        repo.id,
        action="write",
        objects=[
            without_none(path=p, data=b64(d), contentType=ct, metadata=md)
            for p, d, ct, md in objects
        ],
    )
    assert [w["path"] for w in written] == [o[0] for o in objects]
    main = repo.branch("main")
    for path, data, content_type, metadata in objects:
        with main.object(path).reader() as r:
            assert r.read() == data, path
        stat = main.object(path).stat()
        assert stat.size_bytes == len(data)
        assert stat.content_type == (content_type or "application/octet-stream")
        assert (stat.metadata or {}) == (metadata or {})
    # A ranged read in the middle of what lakefs-ts uploaded (multipart on the presign server).
    path, data = LARGE[0], LARGE[1]
    with main.object(path).reader() as r:
        r.seek(8 * 1024 * 1024 - 10)
        assert r.read(20) == data[8 * 1024 * 1024 - 10 : 8 * 1024 * 1024 + 10]


def test_commits_cross_over(server):
    repo = new_repo(server.client())
    main = repo.branch("main")
    put(main, "py.txt", b"from python")
    py_commit = main.commit("python commit", metadata={"by": "python"})

    seen = ts_side(server, repo.id, action="getCommit", ref=py_commit.id)
    assert seen["message"] == "python commit"
    assert seen["metadata"] == {"by": "python"}
    assert seen["creationDate"] == py_commit.get_commit().creation_date

    ts_side(server, repo.id, action="write", objects=[{"path": "ts.txt", "data": b64(b"ts")}])
    ts_commit = ts_side(
        server, repo.id, action="commit", message="ts commit", metadata={"by": "ts"}
    )
    commit = repo.commit(ts_commit["id"]).get_commit()
    assert (commit.message, commit.metadata) == ("ts commit", {"by": "ts"})
    assert commit.parents == [py_commit.id]
    assert [c.message for c in main.log(max_amount=2)] == ["ts commit", "python commit"]


@pytest.mark.parametrize("direction", ["python-to-ts", "ts-to-python"])
def test_committed_objects_cross_over(server, direction):
    repo = new_repo(server.client())
    main = repo.branch("main")
    data = os.urandom(4096)
    if direction == "python-to-ts":
        put(main, "c.bin", data, metadata={"k": "v"})
        commit_id = main.commit("c").id
        got = ts_side(server, repo.id, action="read", ref=commit_id, paths=["c.bin"])[0]
        assert base64.b64decode(got["data"]) == data and got["metadata"] == {"k": "v"}
    else:
        ts_side(server, repo.id, action="write", objects=[{"path": "c.bin", "data": b64(data)}])
        commit_id = ts_side(server, repo.id, action="commit", message="c")["id"]
        assert repo.commit(commit_id).object("c.bin").reader().read() == data
