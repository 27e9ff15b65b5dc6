"""Which exception class each failure raises, and what it carries."""

import lakefs
import pytest
from helpers import put, unique
from lakefs.exceptions import (
    BadRequestException,
    ConflictException,
    ForbiddenException,
    LakeFSException,
    NoAuthenticationFound,
    NotAuthorizedException,
    NotFoundException,
    ObjectNotFoundException,
    PermissionException,
    ServerException,
)


def test_not_found_carries_status_and_lakefs_message(client):
    with pytest.raises(NotFoundException) as info:
        lakefs.repository(unique("missing"), client=client).branch("main").get_commit()
    err = info.value
    assert isinstance(err, ServerException) and isinstance(err, LakeFSException)
    assert err.status_code == 404
    assert isinstance(err.body, dict) and err.body.get("message")
    assert "not found" in err.body["message"]


def test_missing_branch_and_commit_messages(repo):
    with pytest.raises(NotFoundException):
        _ = repo.branch("nope").head
    with pytest.raises(NotFoundException):
        repo.commit("0" * 64).get_commit()


def test_conflict(repo):
    repo.branch("b").create("main")
    with pytest.raises(ConflictException) as info:
        repo.branch("b").create("main")
    assert info.value.status_code == 409
    assert info.value.body.get("message")


def test_bad_request(repo):
    with pytest.raises(BadRequestException) as info:
        repo.branch("main").commit("no changes here")
    assert info.value.status_code == 400
    assert "commit: no changes" in info.value.body["message"]


def test_forbidden(repo):
    with pytest.raises(ForbiddenException) as info:
        repo.branch("main").delete()
    assert info.value.status_code == 403


def test_object_not_found_is_also_file_not_found(repo):
    with pytest.raises(ObjectNotFoundException) as info:
        repo.branch("main").object("missing").reader().read()
    assert isinstance(info.value, NotFoundException)
    assert isinstance(info.value, FileNotFoundError)


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "AKIAIOSFOLQUICKSTART", "password": "wrong-secret"},
        {"username": "AKIANOSUCHKEY0000000", "password": "whatever"},
    ],
)
def test_bad_credentials_are_not_authorized(server, credentials):
    bad = server.client(**credentials)
    with pytest.raises(NotAuthorizedException) as info:
        list(lakefs.repositories(client=bad))
    assert info.value.status_code == 401


def test_no_credentials_are_not_authorized(server):
    anonymous = lakefs.Client(host=server.url)
    with pytest.raises(NotAuthorizedException):
        list(lakefs.repositories(client=anonymous))


def test_io_on_bad_credentials_is_permission_error(server, repo):
    put(repo.branch("main"), "f", b"f")
    bad = server.client(password="wrong-secret")
    obj = lakefs.repository(repo.id, client=bad).branch("main").object("f")
    with pytest.raises(PermissionException) as info:
        obj.reader(pre_sign=False).read()
    assert isinstance(info.value, PermissionError)
    with pytest.raises(PermissionException):
        obj.exists()


def test_no_configuration_at_all_is_no_authentication_found():
    # conftest removes LAKECTL_* and points LAKECTL_CONFIG_FILE at a missing file.
    with pytest.raises(NoAuthenticationFound):
        lakefs.Client()
