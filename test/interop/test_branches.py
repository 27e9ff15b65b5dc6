"""Branches: create, list, head, delete, hidden branches."""

import pytest
from helpers import put
from lakefs.exceptions import (
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
)


def test_create_from_branch_and_head(repo):
    main = repo.branch("main")
    feature = repo.branch("feature").create("main")
    assert feature.id == "feature"
    assert feature.head.id == main.head.id
    assert len(feature.head.id) == 64
    assert feature.get_commit().message == "Repository created"


def test_create_from_commit_and_from_handle(repo):
    main = repo.branch("main")
    put(main, "a.txt", b"a")
    first = main.commit("first")
    put(main, "b.txt", b"b")
    main.commit("second")

    from_commit = repo.branch("at-first").create(first.id)
    assert from_commit.head.id == first.id
    from_ref = repo.branch("at-first-ref").create(repo.ref("main~1"))
    assert from_ref.head.id == first.id
    from_branch_handle = repo.branch("copy").create(main)
    assert from_branch_handle.head.id == main.head.id


def test_create_ignores_uncommitted_source_changes(repo):
    main = repo.branch("main")
    put(main, "staged.txt", b"not committed")
    child = repo.branch("child").create("main")
    assert not child.object("staged.txt").exists()


def test_create_existing_conflicts_unless_exist_ok(repo):
    repo.branch("dup").create("main")
    with pytest.raises(ConflictException):
        repo.branch("dup").create("main")
    assert repo.branch("dup").create("main", exist_ok=True).id == "dup"


def test_create_from_missing_source_is_not_found(repo):
    with pytest.raises(NotFoundException):
        repo.branch("orphan").create("no-such-branch")


@pytest.mark.parametrize("name", ["has space", "bad~tilde", "", "a:b"])
def test_invalid_branch_name_is_bad_request(repo, name):
    with pytest.raises(BadRequestException):
        repo.branch(name).create("main")


def test_list_sorted_with_prefix_after_and_paging(repo):
    for name in ["feat-b", "feat-a", "fix-1", "feat-c"]:
        repo.branch(name).create("main")
    assert [b.id for b in repo.branches()] == ["feat-a", "feat-b", "feat-c", "fix-1", "main"]
    assert [b.id for b in repo.branches(prefix="feat-")] == ["feat-a", "feat-b", "feat-c"]
    assert [b.id for b in repo.branches(prefix="feat-", after="feat-a")] == ["feat-b", "feat-c"]
    assert [b.id for b in repo.branches(max_amount=2)] == ["feat-a", "feat-b"]
    assert [b.id for b in repo.branches(amount=1)] == ["feat-a", "feat-b", "feat-c", "fix-1", "main"]


def test_hidden_branch_is_listed_only_with_show_hidden(repo):
    hidden = repo.branch("secret").create("main", hidden=True)
    assert "secret" not in [b.id for b in repo.branches()]
    assert "secret" in [b.id for b in repo.branches(show_hidden=True)]
    # Hidden branches still work as branches.
    put(hidden, "x.txt", b"x")
    hidden.commit("on hidden")
    assert hidden.get_commit().message == "on hidden"


def test_delete_branch(repo):
    doomed = repo.branch("doomed").create("main")
    doomed.delete()
    assert "doomed" not in [b.id for b in repo.branches()]
    with pytest.raises(NotFoundException):
        _ = repo.branch("doomed").head
    with pytest.raises(NotFoundException):
        repo.branch("doomed").delete()


def test_delete_default_branch_is_forbidden(repo):
    with pytest.raises(ForbiddenException):
        repo.branch("main").delete()


def test_head_moves_with_commits(repo):
    main = repo.branch("main")
    before = main.head.id
    put(main, "f", b"1")
    ref = main.commit("move")
    assert main.head.id == ref.id != before
    assert main.get_commit().parents == [before]
