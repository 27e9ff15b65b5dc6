"""Object I/O through every reader/writer mode, run once with presign off and once with it on.

With presign on, the SDK uploads through getPhysicalAddress + PUT to a presigned URL +
linkPhysicalAddress and reads by following getObject's 302 to a presigned URL; with it off it
uses the raw upload body and direct reads.
"""

import hashlib
import io
import os
import time

import lakefs_sdk
import pytest
from helpers import put
from lakefs import CommonPrefix, ObjectInfo
from lakefs.exceptions import (
    BadRequestException,
    NotFoundException,
    ObjectExistsException,
    ObjectNotFoundException,
)

DATA = b"0123456789abcdefghij"


@pytest.fixture
def main(object_repo):
    return object_repo.branch("main")


def test_upload_and_read_whole_object(main):
    obj = put(main, "data/file.bin", DATA)
    assert obj.path == "data/file.bin"
    with main.object("data/file.bin").reader() as r:
        assert r.read() == DATA
    with main.object("data/file.bin").reader(mode="r") as r:
        assert r.read() == DATA.decode()


def test_text_and_binary_write_modes(main):
    main.object("t.txt").upload(data="héllo wörld", mode="w")
    assert main.object("t.txt").reader().read() == "héllo wörld".encode()
    main.object("b.bin").upload(data=b"\x00\xff\x10", mode="wb")
    assert main.object("b.bin").reader().read() == b"\x00\xff\x10"


def test_writer_streams_several_writes(main):
    with main.object("w.bin").writer() as w:
        assert w.write(b"abc") == 3
        assert w.write("déf") == 4  # str is UTF-8 encoded in any mode
        assert w.tell() == 7
        assert w.writable() and not w.readable()
    assert w.closed
    with pytest.raises(ValueError):
        w.write(b"more")
    assert main.object("w.bin").reader().read() == "abcdéf".encode()


def test_writer_discards_on_exception(main):
    with pytest.raises(RuntimeError):
        with main.object("never.txt").writer() as w:
            w.write(b"partial")
            raise RuntimeError("abort")
    assert not main.object("never.txt").exists()


def test_writer_options_may_change_until_close(main):
    w = main.object("late.csv").writer()
    w.write(b"a,b\n")
    w.content_type = "text/csv"
    w.metadata = {"stage": "late"}
    w.close()
    stat = main.object("late.csv").stat()
    assert stat.content_type == "text/csv"
    assert lower_keys(stat.metadata) == {"stage": "late"}


def test_ranged_sequential_reads(main):
    put(main, "r.bin", DATA)
    with main.object("r.bin").reader() as r:
        assert r.read(3) == b"012"
        assert r.tell() == 3
        assert r.read(4) == b"3456"
        assert r.read() == DATA[7:]
        assert r.read() == b""
        assert r.read(5) == b""


def test_read_past_end_is_eof(main):
    put(main, "short.bin", b"abc")
    with main.object("short.bin").reader() as r:
        assert r.read(100) == b"abc"
        assert r.read(1) == b""
    with main.object("short.bin").reader() as r:
        r.seek(10)
        assert r.read(2) == b""  # 416 from the server is EOF to the SDK


def test_seek_set_cur_end(main):
    put(main, "s.bin", DATA)
    with main.object("s.bin").reader() as r:
        assert r.seek(5) == 5
        assert r.read(2) == b"56"
        assert r.seek(3, os.SEEK_CUR) == 10
        assert r.read(2) == b"ab"
        assert r.seek(-4, os.SEEK_END) == len(DATA) - 4
        assert r.read() == DATA[-4:]
        assert r.seek(0) == 0
        assert r.read(1) == b"0"
        with pytest.raises(OSError):
            r.seek(-1)


def test_readline_and_iteration(main):
    put(main, "lines.txt", b"one\ntwo\nthree")
    with main.object("lines.txt").reader(mode="r") as r:
        assert r.readline() == "one\n"
        assert list(r) == ["two\n", "three"]
    with main.object("lines.txt").reader() as r:
        assert r.readline(2) == b"on"
        assert r.read() == b"e\ntwo\nthree"  # mixing readline and read continues in place


def test_empty_object(main):
    put(main, "empty", b"")
    assert main.object("empty").stat().size_bytes == 0
    with main.object("empty").reader() as r:
        assert r.read() == b""
    with main.object("empty").reader() as r:
        assert r.read(10) == b""


def test_large_object_round_trip(main):
    data = os.urandom(3 * 1024 * 1024 + 17)
    put(main, "big.bin", data)
    stat = main.object("big.bin").stat()
    assert stat.size_bytes == len(data)
    assert stat.checksum == hashlib.md5(data).hexdigest()
    with main.object("big.bin").reader() as r:
        assert r.read() == data
    with main.object("big.bin").reader() as r:
        r.seek(1024 * 1024)
        assert r.read(4096) == data[1024 * 1024 : 1024 * 1024 + 4096]


def test_exclusive_modes(main):
    put(main, "exists.txt", b"1")
    for mode in ("x", "xb"):
        with pytest.raises(ObjectExistsException):
            main.object("exists.txt").writer(mode=mode)
        with pytest.raises(ObjectExistsException):
            main.object("exists.txt").upload(data=b"2", mode=mode)
    assert main.object("exists.txt").reader().read() == b"1"

    main.object("fresh.txt").upload(data="new", mode="x")
    assert main.object("fresh.txt").reader().read() == b"new"


def test_exclusive_write_loses_race_with_412(main):
    # The existence pre-check passes; the object then appears before close(), so the server's
    # If-None-Match: * check is what refuses the write.
    w = main.object("race.txt").writer(mode="xb")
    w.write(b"loser")
    put(main, "race.txt", b"winner")
    with pytest.raises(ObjectExistsException):
        w.close()
    assert main.object("race.txt").reader().read() == b"winner"


def test_content_type_and_metadata_round_trip(main):
    put(main, "m.csv", b"a,b", content_type="text/csv", metadata={"Owner": "ana", "k2": "v 2"})
    stat = main.object("m.csv").stat()
    assert stat.content_type == "text/csv"
    # Raw uploads carry metadata in x-lakefs-meta-* headers, whose names HTTP lowercases.
    assert lower_keys(stat.metadata) == {"owner": "ana", "k2": "v 2"}
    listed = [o for o in main.objects(prefix="m.csv")]
    assert len(listed) == 1 and isinstance(listed[0], ObjectInfo)
    assert listed[0].content_type == "text/csv"
    assert lower_keys(listed[0].metadata) == {"owner": "ana", "k2": "v 2"}


def test_default_content_type(main):
    put(main, "plain", b"x")
    assert main.object("plain").stat().content_type == "application/octet-stream"


def test_stat_fields(main):
    before = int(time.time()) - 5
    put(main, "st.bin", DATA)
    stat = main.object("st.bin").stat()
    assert stat.path == "st.bin"
    assert stat.size_bytes == len(DATA)
    assert stat.checksum == hashlib.md5(DATA).hexdigest()
    assert before <= stat.mtime <= int(time.time()) + 5
    assert stat.physical_address


def test_exists(main):
    assert not main.object("nope").exists()
    put(main, "yes", b"1")
    assert main.object("yes").exists()


def test_missing_object_errors(main):
    with pytest.raises(ObjectNotFoundException):
        main.object("missing").stat()
    with pytest.raises(ObjectNotFoundException):
        main.object("missing").reader().read()
    with pytest.raises(FileNotFoundError):  # ObjectNotFoundException is also a FileNotFoundError
        main.object("missing").reader().read(3)


def test_copy_keeps_content_and_metadata(object_repo, main):
    put(main, "src.json", b'{"a":1}', content_type="application/json", metadata={"m": "1"})
    other = object_repo.branch("other").create("main")
    copied = main.object("src.json").copy("other", "dst/copy.json")
    assert copied.path == "dst/copy.json"
    src, dst = main.object("src.json").stat(), other.object("dst/copy.json").stat()
    assert (dst.size_bytes, dst.checksum, dst.content_type) == (
        src.size_bytes,
        src.checksum,
        src.content_type,
    )
    assert dst.metadata == src.metadata
    assert other.object("dst/copy.json").reader().read() == b'{"a":1}'
    main.object("src.json").copy("main", "same-branch.json")
    assert main.object("same-branch.json").reader().read() == b'{"a":1}'


def test_copy_missing_source_is_not_found(main):
    with pytest.raises(NotFoundException):
        main.object("ghost").copy("main", "ghost-copy")


def test_delete_object(main):
    put(main, "d.txt", b"1")
    main.object("d.txt").delete()
    assert not main.object("d.txt").exists()
    main.object("d.txt").delete()  # deleting what is not there is silent, as in lakeFS


def test_delete_committed_object_shows_as_removed(main):
    put(main, "c.txt", b"1")
    main.commit("add c")
    main.object("c.txt").delete()
    assert [(c.path, c.type) for c in main.uncommitted()] == [("c.txt", "removed")]
    assert main.object("c.txt").exists() is False
    assert main.commit("rm c").get_commit().message == "rm c"


def test_delete_objects(main):
    for p in ("a", "b", "c", "keep"):
        put(main, p, p.encode())
    main.delete_objects(["a", main.object("b"), "not-there"])
    main.delete_objects("c")
    assert [o.path for o in main.objects()] == ["keep"]


def test_listing_prefix_delimiter_after_and_paging(main):
    paths = ["a-b", "a.b", "a/b", "a/c/d", "b/e", "z"]
    for p in paths:
        put(main, p, b"x")
    assert [o.path for o in main.objects()] == paths  # raw byte order: '-' < '.' < '/'
    assert [o.path for o in main.objects(amount=2)] == paths
    assert [o.path for o in main.objects(max_amount=3)] == paths[:3]
    assert [o.path for o in main.objects(prefix="a/")] == ["a/b", "a/c/d"]
    assert [o.path for o in main.objects(after="a/b")] == ["a/c/d", "b/e", "z"]

    top = list(main.objects(delimiter="/"))
    assert [(type(o), o.path) for o in top] == [
        (ObjectInfo, "a-b"),
        (ObjectInfo, "a.b"),
        (CommonPrefix, "a/"),
        (CommonPrefix, "b/"),
        (ObjectInfo, "z"),
    ]
    nested = list(main.objects(prefix="a/", delimiter="/"))
    assert [(type(o), o.path) for o in nested] == [(ObjectInfo, "a/b"), (CommonPrefix, "a/c/")]
    # `after` naming a common prefix skips everything under it.
    assert [o.path for o in main.objects(delimiter="/", after="a/")] == ["b/", "z"]


@pytest.mark.parametrize(
    "path", ["with space.txt", "ünïcødé/файл.txt", "q?x=1&y=2", "hash#frag", "pct%20.txt", "a+b"]
)
def test_unusual_paths(main, path):
    put(main, path, path.encode())
    assert main.object(path).reader().read() == path.encode()
    assert [o.path for o in main.objects(prefix=path)] == [path]
    main.object(path).delete()
    assert not main.object(path).exists()


def test_committed_and_staged_views(object_repo, main):
    put(main, "v.txt", b"v1")
    commit = main.commit("v1")
    put(main, "v.txt", b"v2")
    put(main, "new.txt", b"n")
    assert main.object("v.txt").reader().read() == b"v2"
    assert object_repo.ref("main@").object("v.txt").reader().read() == b"v1"
    assert not object_repo.ref("main@").object("new.txt").exists()
    assert object_repo.ref(commit.id).object("v.txt").reader().read() == b"v1"
    object_repo.tag("t1").create(commit.id)
    assert object_repo.tag("t1").object("v.txt").reader().read() == b"v1"
    assert [o.path for o in object_repo.ref("main@").objects()] == ["v.txt"]


def test_write_to_missing_branch_is_not_found(object_server, object_repo):
    # The SDK's presigned upload does not translate staging errors (python-sdk-surface §3.4).
    presigned = object_server.client().storage_config.pre_sign_support
    expected = lakefs_sdk.exceptions.NotFoundException if presigned else NotFoundException
    with pytest.raises(expected):
        object_repo.branch("no-such-branch").object("x").upload(data=b"x")


def test_reader_file_protocol(main):
    put(main, "p.bin", DATA)
    r = main.object("p.bin").reader()
    assert r.readable() and r.seekable() and not r.writable()
    with pytest.raises(io.UnsupportedOperation):
        r.write(b"x")
    r.close()
    with pytest.raises(ValueError):
        r.read()


def test_delete_objects_over_the_limit_is_bad_request(main):
    with pytest.raises(BadRequestException):
        main.delete_objects([f"p{i}" for i in range(1001)])


def test_stat_is_cached_until_delete(main):
    obj = put(main, "cached", b"1")
    assert obj.stat().size_bytes == 1
    obj.delete()
    with pytest.raises(ObjectNotFoundException):
        obj.stat()


def test_storage_id_of_single_storage_server(main):
    assert main.object("any").storage_id() == ""


def test_reader_and_writer_members(main):
    put(main, "rw", b"abc")
    r = main.object("rw").reader(mode="r", pre_sign=False)
    assert (r.mode, r.name, str(r), r.pre_sign) == ("r", "rw", "rw", False)
    assert not r.isatty()
    with pytest.raises(OSError):  # io.UnsupportedOperation
        r.fileno()
    with pytest.raises(OSError):
        r.read(-1)
    r.close()
    r.close()  # idempotent
    with pytest.raises(ValueError):
        r.flush()

    w = main.object("never-written").writer(mode="wb")
    assert not w.seekable()
    with pytest.raises(io.UnsupportedOperation):
        w.read()
    with pytest.raises(io.UnsupportedOperation):
        w.seek(0)
    w.write(b"x")
    w.discard()
    assert w.closed
    assert not main.object("never-written").exists()
    with pytest.raises(ValueError):
        main.object("bad-mode").writer(mode="a")


def lower_keys(metadata):
    return {k.lower(): v for k, v in (metadata or {}).items()}
