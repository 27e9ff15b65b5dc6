"""Merges (incl. conflicts and strategies), cherry-pick and revert."""

import pytest
from helpers import put
from lakefs import LakeFSDeprecationWarning
from lakefs.exceptions import BadRequestException, ConflictException, NotFoundException


def branch_with_change(repo, name, path, data, message=None):
    branch = repo.branch(name).create("main")
    put(branch, path, data)
    branch.commit(message or f"{name} changes {path}")
    return branch


def test_merge_creates_merge_commit(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "f.txt", b"feature")
    main_head = main.head.id
    merge_id = feature.merge_into(main)
    commit = main.get_commit()
    assert commit.id == merge_id
    assert commit.parents == [main_head, feature.head.id]
    assert commit.message == "Merge 'feature' into 'main'"
    assert commit.metadata.get(".lakefs.merge.strategy") == "default"
    assert main.object("f.txt").reader().read() == b"feature"


def test_merge_with_message_and_metadata(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "f.txt", b"x")
    feature.merge_into("main", message="custom merge", metadata={"ticket": "42"})
    commit = main.get_commit()
    assert commit.message == "custom merge"
    assert commit.metadata["ticket"] == "42"


def test_merge_into_missing_branch_is_not_found(repo):
    feature = branch_with_change(repo, "feature", "f.txt", b"x")
    with pytest.raises(NotFoundException):
        feature.merge_into("no-such-branch")


def test_merge_conflict(repo):
    main = repo.branch("main")
    put(main, "shared.txt", b"base")
    main.commit("base")
    left = branch_with_change(repo, "left", "shared.txt", b"left")
    put(main, "shared.txt", b"main")
    main.commit("main edits shared")
    head = main.head.id
    with pytest.raises(ConflictException):
        left.merge_into(main)
    assert main.head.id == head, "a failed merge must not move the destination"


@pytest.mark.parametrize(
    "strategy, expected", [("source-wins", b"left"), ("dest-wins", b"main")]
)
def test_merge_strategies_resolve_conflicts(repo, strategy, expected):
    main = repo.branch("main")
    put(main, "shared.txt", b"base")
    main.commit("base")
    left = branch_with_change(repo, "left", "shared.txt", b"left")
    put(left, "left-only.txt", b"l")
    left.commit("left only")
    put(main, "shared.txt", b"main")
    main.commit("main edits shared")
    left.merge_into(main, strategy=strategy)
    assert main.object("shared.txt").reader().read() == expected
    assert main.object("left-only.txt").reader().read() == b"l"
    assert main.get_commit().metadata[".lakefs.merge.strategy"] == strategy


def test_merge_invalid_strategy_is_bad_request(repo):
    feature = branch_with_change(repo, "feature", "f.txt", b"x")
    with pytest.raises(BadRequestException):
        feature.merge_into("main", strategy="ours")


def test_merge_into_dirty_branch_is_refused(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "f.txt", b"x")
    put(main, "dirty.txt", b"uncommitted")
    with pytest.raises(BadRequestException) as info:
        feature.merge_into(main)
    assert "dirty branch" in str(info.value)


def test_merge_with_nothing_to_merge(repo):
    main = repo.branch("main")
    feature = repo.branch("feature").create("main")
    with pytest.raises(BadRequestException) as info:
        feature.merge_into(main)
    assert "no changes" in str(info.value)
    merge_id = feature.merge_into(main, allow_empty=True)
    assert main.head.id == merge_id


def test_squash_merge(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "a", b"1")
    put(feature, "b", b"2")
    feature.commit("second")
    before = main.head.id
    feature.merge_into(main, squash_merge=True)
    assert main.get_commit().parents == [before]
    assert {o.path for o in main.objects()} == {"a", "b"}


def test_cherry_pick(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "picked.txt", b"p", "to pick")
    source = feature.get_commit()
    put(feature, "not-picked.txt", b"n")
    feature.commit("later")
    picked = main.cherry_pick(source.id)
    assert picked.id == main.head.id
    assert picked.message == "to pick"
    assert picked.metadata.get("cherry-pick-origin") == source.id
    assert main.object("picked.txt").reader().read() == b"p"
    assert not main.object("not-picked.txt").exists()


def test_cherry_pick_by_reference_and_conflict(repo):
    main = repo.branch("main")
    put(main, "c.txt", b"base")
    main.commit("base")
    feature = branch_with_change(repo, "feature", "c.txt", b"feature")
    put(main, "c.txt", b"main")
    main.commit("main")
    with pytest.raises(ConflictException):
        main.cherry_pick(feature)


def test_cherry_pick_merge_commit_needs_parent(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "m.txt", b"m")
    put(main, "other", b"o")
    main.commit("other")
    feature.merge_into(main)
    target = repo.branch("target").create(main.get_commit().parents[0])
    with pytest.raises(BadRequestException):
        target.cherry_pick(main.head.id)
    picked = target.cherry_pick(main.head.id, parent_number=1)
    assert target.object("m.txt").reader().read() == b"m"
    assert picked.id == target.head.id


def test_revert(repo):
    main = repo.branch("main")
    put(main, "r.txt", b"v1")
    main.commit("v1")
    put(main, "r.txt", b"v2")
    put(main, "added.txt", b"a")
    bad = main.commit("v2")
    reverted = main.revert(bad)
    assert reverted.id == main.head.id
    assert reverted.message.startswith("Revert")
    assert reverted.parents == [bad.id]
    assert main.object("r.txt").reader().read() == b"v1"
    assert not main.object("added.txt").exists()


def test_revert_merge_commit_needs_parent_number(repo):
    main = repo.branch("main")
    feature = branch_with_change(repo, "feature", "m.txt", b"m")
    put(main, "x", b"x")
    main.commit("x")
    feature.merge_into(main)
    with pytest.raises(ConflictException):
        main.revert(main.head, parent_number=0)
    main.revert(main.head, parent_number=1)
    assert not main.object("m.txt").exists()
    assert main.object("x").exists()


def test_revert_on_dirty_branch_is_refused(repo):
    main = repo.branch("main")
    put(main, "a", b"a")
    commit = main.commit("a")
    put(main, "dirty", b"d")
    with pytest.raises(BadRequestException):
        main.revert(commit)


def test_revert_by_deprecated_reference_id(repo):
    main = repo.branch("main")
    put(main, "dep", b"d")
    commit = main.commit("dep")
    with pytest.warns(LakeFSDeprecationWarning):
        main.revert(None, reference_id=commit.id)
    assert not main.object("dep").exists()


def test_revert_argument_checks(repo):
    main = repo.branch("main")
    with pytest.raises(ValueError), pytest.warns(LakeFSDeprecationWarning):
        main.revert(main.head, reference_id=main.head.id)
    with pytest.raises(ValueError):
        main.revert(None)
    with pytest.raises(ValueError):
        main.revert(main.head, parent_number=-1)
