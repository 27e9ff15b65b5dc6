"""ImportManager with local directories (the server runs with --import-root)."""

from datetime import timedelta

import pytest
from helpers import new_repo, unique
from lakefs.exceptions import (
    BadRequestException,
    ConflictException,
    ForbiddenException,
    ImportManagerException,
)

POLL = timedelta(milliseconds=100)


@pytest.fixture
def import_client(import_server):
    return import_server.client()


@pytest.fixture
def source_dir(import_server):
    """A directory of files under the server's import root."""
    root = import_server.import_root / unique("src")
    (root / "logs" / "2024").mkdir(parents=True)
    (root / "logs" / "2024" / "a.log").write_bytes(b"line a\n")
    (root / "logs" / "2024" / "b.log").write_bytes(b"line b\n")
    (root / "logs" / "top.log").write_bytes(b"top\n")
    (root / "single.csv").write_bytes(b"x,y\n1,2\n")
    return root


def uri(path, directory=False):
    return f"local://{path}{'/' if directory else ''}"


def test_import_prefix_and_object(import_client, source_dir):
    repo = new_repo(import_client)
    main = repo.branch("main")
    head = main.head.id
    mgr = main.import_data(commit_message="import test", metadata={"src": "disk"})
    mgr.prefix(uri(source_dir / "logs", directory=True), destination="imported/logs/")
    mgr.object(uri(source_dir / "single.csv"), destination="imported/one.csv")
    status = mgr.run(poll_interval=POLL)

    assert status.completed and status.error is None
    assert status.ingested_objects == 4
    assert status.commit.message == "import test"
    assert status.commit.metadata["src"] == "disk"
    assert status.commit.parents == [head]
    assert main.head.id == status.commit.id
    assert [o.path for o in main.objects(prefix="imported/")] == [
        "imported/logs/2024/a.log",
        "imported/logs/2024/b.log",
        "imported/logs/top.log",
        "imported/one.csv",
    ]
    assert main.object("imported/logs/2024/b.log").reader().read() == b"line b\n"
    assert main.object("imported/one.csv").reader().read() == b"x,y\n1,2\n"
    assert main.object("imported/one.csv").stat().size_bytes == 8
    assert mgr.status().completed


def test_import_with_no_sources_still_commits(import_client):
    repo = new_repo(import_client)
    main = repo.branch("main")
    status = main.import_data(commit_message="nothing").run(poll_interval=POLL)
    assert status.completed and status.ingested_objects == 0
    assert main.get_commit().message == "nothing"


def test_import_replaces_destination_prefix(import_client, source_dir):
    repo = new_repo(import_client)
    main = repo.branch("main")
    main.object("imported/stale.txt").upload(data=b"old")
    main.object("elsewhere.txt").upload(data=b"keep")
    main.commit("before import")
    main.import_data().prefix(uri(source_dir / "logs", directory=True), "imported/").run(
        poll_interval=POLL
    )
    assert main.get_commit().message == "Import objects"  # the server's default message
    paths = [o.path for o in main.objects()]
    assert "imported/stale.txt" not in paths
    assert "elsewhere.txt" in paths
    assert "imported/top.log" in paths


def test_import_manager_misuse(import_client, source_dir):
    repo = new_repo(import_client)
    mgr = repo.branch("main").import_data()
    with pytest.raises(ImportManagerException):
        mgr.wait()
    with pytest.raises(ImportManagerException):
        mgr.status()
    mgr.object(uri(source_dir / "single.csv"), "one.csv").run(poll_interval=POLL)
    with pytest.raises(ImportManagerException):
        mgr.start()
    with pytest.raises(ImportManagerException):
        mgr.prefix(uri(source_dir, directory=True), "again/")


def test_cancel_completed_import_conflicts(import_client, source_dir):
    repo = new_repo(import_client)
    mgr = repo.branch("main").import_data()
    mgr.object(uri(source_dir / "single.csv"), "one.csv").run(poll_interval=POLL)
    with pytest.raises(ConflictException):
        mgr.cancel()


def test_cancel_import(import_client, import_server):
    # Enough files that the import is usually still running when cancelled; both outcomes are
    # checked, since which one happens depends on timing.
    root = import_server.import_root / unique("many")
    root.mkdir()
    for i in range(2000):
        (root / f"f{i:05}").write_bytes(b"x")
    repo = new_repo(import_client)
    main = repo.branch("main")
    head = main.head.id
    mgr = main.import_data().prefix(uri(root, directory=True), "many/")
    mgr.start()
    try:
        mgr.cancel()
    except ConflictException:
        assert mgr.status().completed
        return
    status = mgr.status()
    assert not status.completed
    assert "Canceled" in status.error.message
    assert main.head.id == head


def test_import_outside_import_root_is_bad_request(import_client, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f").write_bytes(b"f")
    repo = new_repo(import_client)
    with pytest.raises(BadRequestException):
        repo.branch("main").import_data().prefix(uri(outside, directory=True), "x/").start()


def test_import_into_dirty_branch_fails(import_client, source_dir):
    repo = new_repo(import_client)
    main = repo.branch("main")
    main.object("dirty").upload(data=b"d")
    head = main.head.id
    mgr = main.import_data().object(uri(source_dir / "single.csv"), "one.csv")
    # lakeFS may refuse up front (400) or fail the running import; either way nothing lands.
    with pytest.raises((BadRequestException, ImportManagerException), match="dirty branch"):
        mgr.run(poll_interval=POLL)
    assert main.head.id == head


def test_import_refused_without_import_root(client, tmp_path):
    repo = new_repo(client)
    with pytest.raises(ForbiddenException):
        repo.branch("main").import_data().prefix(uri(tmp_path, directory=True), "x/").start()
