"""Tags through the high-level SDK, plus getTag which only the generated client reaches."""

import pytest
from helpers import put
from lakefs.exceptions import BadRequestException, ConflictException, NotFoundException


def test_create_read_and_delete_tag(repo):
    main = repo.branch("main")
    put(main, "v.txt", b"v1")
    commit = main.commit("release")
    tag = repo.tag("v1.0").create("main")
    assert tag.id == "v1.0"
    assert tag.get_commit().id == commit.id
    put(main, "v.txt", b"v2")
    main.commit("after release")
    assert tag.object("v.txt").reader().read() == b"v1"
    assert [c.id for c in tag.log(max_amount=1)] == [commit.id]

    tag.delete()
    with pytest.raises(NotFoundException):
        repo.tag("v1.0").get_commit()
    with pytest.raises(NotFoundException):
        repo.tag("v1.0").delete()


def test_tag_from_commit_id_and_ref_expression(repo):
    main = repo.branch("main")
    put(main, "a", b"a")
    first = main.commit("first")
    put(main, "b", b"b")
    main.commit("second")
    assert repo.tag("by-id").create(first.id).get_commit().id == first.id
    assert repo.tag("by-expr").create(repo.ref("main~1")).get_commit().id == first.id
    assert repo.tag("by-commit").create(first.get_commit()).get_commit().id == first.id


def test_existing_tag_conflicts_unless_exist_ok(repo):
    repo.tag("t").create("main")
    with pytest.raises(ConflictException):
        repo.tag("t").create("main")
    assert repo.tag("t").create("main", exist_ok=True).id == "t"


def test_tag_of_missing_ref_is_not_found(repo):
    with pytest.raises(NotFoundException):
        repo.tag("t").create("no-such-ref")


def test_tag_name_clashing_with_branch_is_refused(repo):
    with pytest.raises((ConflictException, BadRequestException)):
        repo.tag("main").create("main")


def test_list_tags(repo):
    for name in ["v2", "v1", "x1", "v3"]:
        repo.tag(name).create("main")
    assert [t.id for t in repo.tags()] == ["v1", "v2", "v3", "x1"]
    assert [t.id for t in repo.tags(prefix="v")] == ["v1", "v2", "v3"]
    assert [t.id for t in repo.tags(after="v2")] == ["v3", "x1"]
    assert [t.id for t in repo.tags(max_amount=2)] == ["v1", "v2"]
    assert [t.id for t in repo.tags(amount=1)] == ["v1", "v2", "v3", "x1"]


def test_get_tag_low_level(client, repo):
    head = repo.branch("main").head.id
    repo.tag("lv").create("main")
    ref = client.sdk_client.tags_api.get_tag(repo.id, "lv")
    assert (ref.id, ref.commit_id) == ("lv", head)
    with pytest.raises(Exception) as info:
        client.sdk_client.tags_api.get_tag(repo.id, "missing")
    assert getattr(info.value, "status", None) == 404
