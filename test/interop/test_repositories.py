"""Repositories, the client's view of the server, and repository metadata."""

import lakefs
import lakefs_sdk
import pydantic.v1 as pydantic
import pytest
from helpers import ACCESS_KEY_ID, SECRET_ACCESS_KEY, namespace, new_repo, raw_request, unique
from lakefs.exceptions import BadRequestException, ConflictException, NotFoundException


def test_create_sets_properties_and_initial_commit(client):
    name = unique("props")
    repo = lakefs.repository(name, client=client).create(storage_namespace=namespace(name))
    props = repo.properties
    assert props.id == name
    assert props.default_branch == "main"
    assert props.storage_namespace == namespace(name)
    assert props.storage_id == ""  # single-storage servers send an empty string
    assert isinstance(props.creation_date, int) and props.creation_date > 1_600_000_000

    # A fresh handle fetches the same properties from the server.
    fetched = lakefs.repository(name, client=client).properties
    assert fetched == props

    log = list(repo.branch("main").log())
    assert [c.message for c in log] == ["Repository created"]
    assert log[0].parents == []
    assert log[0].committer == ""
    assert len(log[0].id) == 64


def test_create_with_other_default_branch(client):
    repo = new_repo(client, default_branch="trunk")
    assert repo.properties.default_branch == "trunk"
    assert [b.id for b in repo.branches()] == ["trunk"]


def test_create_twice_conflicts_unless_exist_ok(client):
    repo = new_repo(client)
    name = repo.id
    again = lakefs.repository(name, client=client)
    with pytest.raises(ConflictException):
        again.create(storage_namespace=namespace(f"{name}-other"))
    same = again.create(storage_namespace=namespace(f"{name}-other"), exist_ok=True)
    assert same.properties.storage_namespace == namespace(name)


def test_namespace_in_use_is_rejected(client):
    repo = new_repo(client)
    other = lakefs.repository(unique("dup-ns"), client=client)
    with pytest.raises(BadRequestException):
        other.create(storage_namespace=repo.properties.storage_namespace)


@pytest.mark.parametrize("name", ["UpperCase", "a", "under_score", "-dash-first"])
def test_invalid_repository_name(server, client, name):
    ns = namespace(unique("x"))
    # The generated model checks the name pattern before sending anything...
    with pytest.raises(pydantic.ValidationError):
        lakefs.repository(name, client=client).create(storage_namespace=ns)
    # ...and the server refuses it too when a client skips that check.
    status, body = raw_request(
        server, "POST", "/repositories", {"name": name, "storage_namespace": ns}
    )
    assert status == 400 and body["message"]


def test_bad_storage_namespace_is_bad_request(client):
    with pytest.raises(BadRequestException):
        lakefs.repository(unique("ns"), client=client).create(storage_namespace="s3://bucket/x")


def test_list_with_prefix_after_and_max_amount(client):
    prefix = unique("lst")
    names = sorted(new_repo(client, prefix=prefix).id for _ in range(3))
    listed = [r.id for r in lakefs.repositories(client=client, prefix=prefix)]
    assert listed == names
    assert [r.id for r in lakefs.repositories(client=client, prefix=prefix, after=names[0])] == names[1:]
    assert [r.id for r in lakefs.repositories(client=client, prefix=prefix, max_amount=2)] == names[:2]
    # Page size 1 forces the generator through has_more/next_offset paging.
    assert [r.id for r in lakefs.repositories(client=client, prefix=prefix, amount=1)] == names


def test_delete_then_missing(client):
    repo = new_repo(client)
    repo.delete()
    with pytest.raises(NotFoundException):
        _ = lakefs.repository(repo.id, client=client).properties
    with pytest.raises(NotFoundException):
        lakefs.repository(repo.id, client=client).delete()
    assert repo.id not in [r.id for r in lakefs.repositories(client=client, prefix=repo.id)]


def test_metadata_empty_then_set(client):
    repo = new_repo(client)
    assert repo.metadata == {}
    # The high-level SDK only reads metadata; set it through the generated client.
    client.sdk_client.internal_api.set_repository_metadata(
        repo.id, lakefs_sdk.RepositoryMetadataSet(metadata={"owner": "team-a", "tier": "gold"})
    )
    assert repo.metadata == {"owner": "team-a", "tier": "gold"}


def test_missing_repository_metadata_is_not_found(client):
    with pytest.raises(NotFoundException):
        _ = lakefs.repository(unique("missing"), client=client).metadata


def test_server_configuration(server):
    plain = server.client()
    assert isinstance(plain.version, str) and plain.version != ""
    config = plain.storage_config
    assert config.blockstore_type == "local"
    assert config.pre_sign_support is False
    assert config.blockstore_namespace_example.startswith("local://")


def test_presign_server_configuration(presign_server):
    assert presign_server.client().storage_config.pre_sign_support is True


def test_client_from_lakectl_environment(server, monkeypatch):
    repo = new_repo(server.client())
    monkeypatch.setenv("LAKECTL_SERVER_ENDPOINT_URL", server.url)
    monkeypatch.setenv("LAKECTL_CREDENTIALS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    # With no client, repositories() builds a fresh Client() from the environment.
    assert [r.id for r in lakefs.repositories(prefix=repo.id)] == [repo.id]


def test_client_from_lakectl_yaml(server, monkeypatch, tmp_path):
    repo = new_repo(server.client())
    config = tmp_path / "lakectl.yaml"
    config.write_text(
        f"credentials:\n  access_key_id: {ACCESS_KEY_ID}\n"
        f"  secret_access_key: {SECRET_ACCESS_KEY}\n"
        f"server:\n  endpoint_url: {server.url}/api/v1\n"
    )
    monkeypatch.setenv("LAKECTL_CONFIG_FILE", str(config))
    assert [r.id for r in lakefs.repositories(prefix=repo.id)] == [repo.id]


@pytest.mark.parametrize("form", ["no-scheme", "trailing-slash", "with-api-path"])
def test_endpoint_forms(server, form):
    host = {
        "no-scheme": server.url.removeprefix("http://"),
        "trailing-slash": f"{server.url}/",
        "with-api-path": f"{server.url}/api/v1",
    }[form]
    client = server.client(host=host)
    assert client.storage_config.blockstore_type == "local"


def test_include_samples_commits_a_table_pandas_reads(client):
    import io

    import pandas as pd

    repo = new_repo(client, include_samples=True)
    main = repo.branch("main")
    assert [c.message for c in main.log()] == ["Add sample data", "Repository created"]
    root = [o.path for o in main.objects(delimiter="/")]
    assert root == ["README.md", "data/", "images/", "lakes.parquet"]

    with main.object("lakes.parquet").reader(mode="rb") as f:
        table = pd.read_parquet(io.BytesIO(f.read()))
    assert {"name", "country", "area_km2", "max_depth_m"} <= set(table.columns)
    assert len(table) >= 10
    assert table["area_km2"].dtype == "float64"
    assert (table["area_km2"] > 0).all()
    assert "Baikal" in set(table["name"])
