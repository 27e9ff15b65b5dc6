"""Commits, log paging, diffs, uncommitted changes and reset."""

import time

import pytest
from helpers import commit_ids, put
from lakefs.exceptions import BadRequestException, NotFoundException


def test_commit_with_metadata(repo):
    main = repo.branch("main")
    parent = main.head.id
    put(main, "a.txt", b"a")
    before = int(time.time()) - 5
    ref = main.commit("add a", metadata={"k": "v", "source": "interop"})
    commit = ref.get_commit()
    assert commit.id == ref.id == main.head.id
    assert len(commit.id) == 64
    assert commit.message == "add a"
    assert commit.metadata == {"k": "v", "source": "interop"}
    assert commit.parents == [parent]
    assert commit.committer != ""
    assert before <= commit.creation_date <= int(time.time()) + 5
    assert commit.meta_range_id
    assert not list(main.uncommitted())


def test_commit_date_override(repo):
    main = repo.branch("main")
    put(main, "d", b"d")
    assert main.commit("dated", date=1_500_000_000).get_commit().creation_date == 1_500_000_000


def test_empty_commit_is_rejected_unless_allowed(repo):
    main = repo.branch("main")
    with pytest.raises(BadRequestException) as info:
        main.commit("nothing")
    assert "no changes" in str(info.value)
    assert main.commit("empty ok", allow_empty=True).get_commit().message == "empty ok"


def test_get_commit_of_ref_expressions(repo):
    main = repo.branch("main")
    ids = []
    for i in range(3):
        put(main, f"f{i}", b"x")
        ids.append(main.commit(f"c{i}").id)
    assert repo.ref("main").get_commit().id == ids[2]
    assert repo.ref("main~1").get_commit().id == ids[1]
    assert repo.ref("main^").get_commit().id == ids[1]
    assert repo.ref("main~2").get_commit().id == ids[0]
    assert repo.commit(ids[0]).get_commit().message == "c0"
    with pytest.raises(NotFoundException):
        repo.ref("no-such-ref").get_commit()
    with pytest.raises(NotFoundException):
        repo.ref("main~50").get_commit()


def test_abbreviated_commit_id_resolves(repo):
    main = repo.branch("main")
    put(main, "f", b"x")
    full = main.commit("c").id
    assert repo.ref(full[:12]).get_commit().id == full


def test_log_order_and_paging(repo):
    main = repo.branch("main")
    messages = []
    for i in range(7):
        put(main, f"p{i}", str(i).encode())
        main.commit(f"commit {i}")
        messages.append(f"commit {i}")
    expected = list(reversed(messages)) + ["Repository created"]
    assert [c.message for c in main.log()] == expected
    assert [c.message for c in main.log(amount=2)] == expected  # pages of two
    assert [c.message for c in main.log(max_amount=3)] == expected[:3]
    assert [c.message for c in main.log(amount=2, limit=True, max_amount=100)] == expected[:2]
    ids = commit_ids(main)
    assert commit_ids(main, after=ids[1]) == ids[2:]


def test_log_filtered_by_objects_and_prefixes(repo):
    main = repo.branch("main")
    put(main, "logs/a", b"1")
    c1 = main.commit("logs a").id
    put(main, "data/b", b"2")
    main.commit("data b")
    put(main, "logs/a", b"3")
    c3 = main.commit("logs a again").id
    assert commit_ids(main, objects=["logs/a"]) == [c3, c1]
    assert commit_ids(main, prefixes=["logs/"]) == [c3, c1]


def test_log_stop_at_and_since(repo):
    main = repo.branch("main")
    ids = []
    for i in range(4):
        put(main, f"s{i}", b"x")
        ids.append(main.commit(f"s{i}", date=1_600_000_000 + i * 1000).id)
    assert commit_ids(main, stop_at=ids[1]) == [ids[3], ids[2], ids[1]]
    since = commit_ids(main, since="2020-09-13T12:45:00Z")  # between s1 and s2
    assert since == [ids[3], ids[2]]


def test_log_of_merge_history_and_first_parent(repo):
    main = repo.branch("main")
    feature = repo.branch("feature").create("main")
    put(feature, "f", b"f")
    fc = feature.commit("feature work").id
    put(main, "m", b"m")
    mc = main.commit("main work").id
    merge = feature.merge_into(main)
    full = commit_ids(main)
    assert full[0] == merge and set(full[1:3]) == {fc, mc}
    assert fc not in commit_ids(main, first_parent=True)


def test_diff_two_and_three_dot(repo):
    main = repo.branch("main")
    put(main, "base.txt", b"base")
    put(main, "gone.txt", b"gone")
    main.commit("base")
    feature = repo.branch("feature").create("main")
    put(feature, "base.txt", b"changed")
    put(feature, "added.txt", b"added")
    feature.object("gone.txt").delete()
    feature.commit("feature")
    put(main, "main-only.txt", b"m")
    main.commit("main moves")

    three = {(c.path, c.type) for c in main.diff(feature)}
    assert three == {("base.txt", "changed"), ("added.txt", "added"), ("gone.txt", "removed")}
    two = {(c.path, c.type) for c in main.diff(feature, type="two_dot")}
    assert two == three | {("main-only.txt", "removed")}
    assert {c.path for c in main.diff("feature", prefix="a")} == {"added.txt"}
    assert [c.path for c in main.diff(feature, max_amount=1)] == ["added.txt"]
    assert [c.path for c in main.diff(feature, amount=1)] == ["added.txt", "base.txt", "gone.txt"]
    assert list(feature.diff(feature)) == []


def test_diff_with_delimiter(repo):
    main = repo.branch("main")
    feature = repo.branch("feature").create("main")
    for p in ("dir/a", "dir/b", "top"):
        put(feature, p, b"x")
    feature.commit("files")
    changes = list(main.diff(feature, delimiter="/"))
    assert [(c.path, c.type, c.path_type) for c in changes] == [
        ("dir/", "prefix_changed", "common_prefix"),
        ("top", "added", "object"),
    ]
    assert changes[1].size_bytes == 1


def test_uncommitted_changes(repo):
    main = repo.branch("main")
    put(main, "keep", b"1")
    put(main, "mod", b"1")
    put(main, "del", b"1")
    main.commit("base")
    put(main, "mod", b"2")
    main.object("del").delete()
    put(main, "new/a", b"n")
    put(main, "new/b", b"n")
    assert [(c.path, c.type) for c in main.uncommitted()] == [
        ("del", "removed"),
        ("mod", "changed"),
        ("new/a", "added"),
        ("new/b", "added"),
    ]
    assert [c.path for c in main.uncommitted(prefix="new/")] == ["new/a", "new/b"]
    assert [c.path for c in main.uncommitted(max_amount=2)] == ["del", "mod"]
    assert [c.path for c in main.uncommitted(amount=1)] == ["del", "mod", "new/a", "new/b"]
    assert [(c.path, c.path_type) for c in main.uncommitted(delimiter="/")][-1] == (
        "new/",
        "common_prefix",
    )


def test_reset_changes(repo):
    main = repo.branch("main")
    put(main, "bar/a", b"1")
    put(main, "bar/b", b"1")
    put(main, "foo/a", b"1")
    put(main, "foo/b", b"1")
    put(main, "top", b"1")

    main.reset_changes("object", "bar/a")
    assert not main.object("bar/a").exists()
    main.reset_changes("object", "bar/")  # no object by that exact name: nothing happens
    assert main.object("bar/b").exists()
    main.reset_changes("common_prefix", "foo/")
    assert [c.path for c in main.uncommitted()] == ["bar/b", "top"]
    main.reset_changes()
    assert list(main.uncommitted()) == []


def test_reset_restores_committed_content(repo):
    main = repo.branch("main")
    put(main, "f", b"committed")
    main.commit("c")
    put(main, "f", b"staged")
    main.object("f").delete()
    main.reset_changes("object", "f")
    assert main.object("f").reader().read() == b"committed"
