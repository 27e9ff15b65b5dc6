"""Generated-client (lakefs_sdk) calls the high-level SDK never makes."""

import base64
import hashlib
import os
import urllib.error
import urllib.request

import lakefs_sdk
import pytest
from helpers import ACCESS_KEY_ID, SECRET_ACCESS_KEY, new_repo, put
from lakefs_sdk.exceptions import ApiException

PART_SIZE = 5 * 1024 * 1024  # S3's minimum for all but the last part


def test_find_merge_base(client, repo):
    main = repo.branch("main")
    put(main, "base", b"b")
    base = main.commit("base").id
    feature = repo.branch("feature").create("main")
    put(feature, "f", b"f")
    feature_head = feature.commit("feature").id
    put(main, "m", b"m")
    main_head = main.commit("main").id
    result = client.sdk_client.refs_api.find_merge_base(repo.id, "feature", "main")
    assert result.base_commit_id == base
    assert result.source_commit_id == feature_head
    assert result.destination_commit_id == main_head


def test_hard_reset_branch(client, repo):
    main = repo.branch("main")
    put(main, "a", b"1")
    first = main.commit("first").id
    put(main, "b", b"2")
    main.commit("second")
    client.sdk_client.experimental_api.hard_reset_branch(repo.id, "main", first)
    assert main.head.id == first
    assert not main.object("b").exists()
    with pytest.raises(ApiException) as info:
        client.sdk_client.experimental_api.hard_reset_branch(repo.id, "main", "no-such-ref")
    assert info.value.status == 404


def test_stat_and_get_with_presign(presign_server):
    client = presign_server.client()
    repo = new_repo(client)
    main = repo.branch("main")
    put(main, "p.bin", b"presigned bytes", pre_sign=False)
    stat = main.object("p.bin").stat(pre_sign=True)
    assert stat.physical_address.startswith("http")
    assert stat.physical_address_expiry and stat.physical_address_expiry > 0
    with urllib.request.urlopen(stat.physical_address) as resp:  # no lakeFS credentials
        assert resp.read() == b"presigned bytes"
    with main.object("p.bin").reader(pre_sign=True) as r:
        r.seek(4)
        assert r.read(6) == b"igned "


def test_presigned_url_is_tamper_proof(presign_server):
    client = presign_server.client()
    main = new_repo(client).branch("main")
    put(main, "p.bin", b"secret", pre_sign=False)
    url = main.object("p.bin").stat(pre_sign=True).physical_address
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(tampered)
    assert info.value.code in (401, 403)


def test_presign_multipart_upload(presign_server):
    client = presign_server.client()
    assert client.storage_config.pre_sign_support
    repo = new_repo(client)
    experimental = client.sdk_client.experimental_api
    parts_data = [os.urandom(PART_SIZE), os.urandom(1234)]

    upload = experimental.create_presign_multipart_upload(repo.id, "main", "mp/big.bin", parts=2)
    assert upload.upload_id and upload.physical_address
    assert len(upload.presigned_urls) == 2
    parts = []
    for number, (url, data) in enumerate(zip(upload.presigned_urls, parts_data), start=1):
        request = urllib.request.Request(url, data=data, method="PUT")
        with urllib.request.urlopen(request) as resp:
            etag = resp.headers["ETag"].strip('"')
        parts.append(lakefs_sdk.UploadPart(part_number=number, etag=etag))

    stats = experimental.complete_presign_multipart_upload(
        repo.id,
        "main",
        upload.upload_id,
        "mp/big.bin",
        lakefs_sdk.CompletePresignMultipartUpload(
            physical_address=upload.physical_address,
            parts=parts,
            content_type="application/x-test",
            user_metadata={"origin": "pmpu"},
        ),
    )
    data = b"".join(parts_data)
    assert stats.path == "mp/big.bin"
    assert stats.size_bytes == len(data)
    assert stats.content_type == "application/x-test"
    # Multipart ETag: MD5 of the concatenated binary part MD5s, then "-<part count>".
    joined = b"".join(hashlib.md5(p).digest() for p in parts_data)
    assert stats.checksum == f"{hashlib.md5(joined).hexdigest()}-2"
    main = repo.branch("main")
    assert main.object("mp/big.bin").reader(pre_sign=False).read() == data
    assert main.object("mp/big.bin").stat().metadata == {"origin": "pmpu"}


def test_presign_multipart_abort(presign_server):
    client = presign_server.client()
    repo = new_repo(client)
    experimental = client.sdk_client.experimental_api
    upload = experimental.create_presign_multipart_upload(repo.id, "main", "mp/aborted", parts=1)
    experimental.abort_presign_multipart_upload(
        repo.id,
        "main",
        upload.upload_id,
        "mp/aborted",
        lakefs_sdk.AbortPresignMultipartUpload(physical_address=upload.physical_address),
    )
    assert not repo.branch("main").object("mp/aborted").exists()


def test_presign_multipart_unsupported_without_presign(client, repo):
    with pytest.raises(ApiException) as info:
        client.sdk_client.experimental_api.create_presign_multipart_upload(
            repo.id, "main", "x", parts=1
        )
    assert info.value.status in (400, 501)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_get_object_with_presign_redirects(presign_server):
    client = presign_server.client()
    repo = new_repo(client)
    put(repo.branch("main"), "r.bin", b"redirected", pre_sign=False)
    token = base64.b64encode(f"{ACCESS_KEY_ID}:{SECRET_ACCESS_KEY}".encode()).decode()
    request = urllib.request.Request(
        f"{presign_server.url}/api/v1/repositories/{repo.id}/refs/main/objects?path=r.bin&presign=true",
        headers={"Authorization": f"Basic {token}"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(request)
    assert info.value.code == 302
    location = info.value.headers["Location"]
    with urllib.request.urlopen(location) as resp:
        assert resp.read() == b"redirected"


def test_pull_requests(client, repo):
    """lakefs_sdk's PullsApi: create, list, get, update, merge and their errors."""
    pulls = client.sdk_client.pulls_api
    feature = repo.branch("feature").create("main")
    put(feature, "pr.txt", b"from a pull request")
    feature.commit("add pr.txt")
    created = pulls.create_pull_request(
        repo.id,
        lakefs_sdk.PullRequestCreation(
            title="Add pr.txt", description="d", source_branch="feature", destination_branch="main"
        ),
    )
    pr = pulls.get_pull_request(repo.id, created.id)
    assert (pr.status, pr.title, pr.source_branch, pr.destination_branch) == (
        "open",
        "Add pr.txt",
        "feature",
        "main",
    )
    assert [p.id for p in pulls.list_pull_requests(repo.id, status="open").results] == [created.id]
    pulls.update_pull_request(repo.id, created.id, lakefs_sdk.PullRequestBasic(title="Add it"))
    assert pulls.get_pull_request(repo.id, created.id).title == "Add it"

    merged = pulls.merge_pull_request(repo.id, created.id)
    assert repo.branch("main").head.id == merged.reference
    assert repo.branch("main").object("pr.txt").reader().read() == b"from a pull request"
    after = pulls.get_pull_request(repo.id, created.id)
    assert (after.status, after.merged_commit_id) == ("merged", merged.reference)
    assert after.closed_date is not None
    assert [p.id for p in pulls.list_pull_requests(repo.id, status="closed").results] == [
        created.id
    ]

    with pytest.raises(lakefs_sdk.exceptions.BadRequestException):
        pulls.merge_pull_request(repo.id, created.id)
    with pytest.raises(lakefs_sdk.exceptions.NotFoundException):
        pulls.get_pull_request(repo.id, "no-such-pull-request")
    with pytest.raises(lakefs_sdk.exceptions.BadRequestException):
        pulls.create_pull_request(
            repo.id,
            lakefs_sdk.PullRequestCreation(
                title="t", source_branch="main", destination_branch="main"
            ),
        )


def test_create_symlink_file(server, client, repo):
    """lakefs_sdk's InternalApi.create_symlink_file: one symlink.txt of addresses per directory."""
    main = repo.branch("main")
    put(main, "table/part-0.parquet", b"0")
    put(main, "table/part-1.parquet", b"1")
    main.commit("table")
    internal = client.sdk_client.internal_api
    result = internal.create_symlink_file(repo.id, "main", location="table/")
    namespace = repo.properties.storage_namespace
    assert result.location == f"{namespace}/symlinks"
    addresses = [main.object(f"table/part-{i}.parquet").stat().physical_address for i in (0, 1)]
    if server.data_dir is not None:  # the embedded server: read the file it wrote
        ns_dir = server.data_dir / "block" / namespace.removeprefix("local://").lstrip("/")
        written = ns_dir / "symlinks" / repo.id / "main" / "table" / "symlink.txt"
        assert written.read_text() == "\n".join(addresses)
    with pytest.raises(lakefs_sdk.exceptions.NotFoundException):
        internal.create_symlink_file(repo.id, "no-such-branch")


def test_prepare_gc_uncommitted(server, client, repo):
    """lakefs_sdk's InternalApi.prepare_garbage_collection_uncommitted: staged addresses in Parquet."""
    main = repo.branch("main")
    put(main, "committed", b"c")
    main.commit("one committed object")
    put(main, "staged/a", b"a")
    put(main, "staged/b", b"b")
    internal = client.sdk_client.internal_api
    result = internal.prepare_garbage_collection_uncommitted(repo.id)
    assert result.run_id
    namespace = repo.properties.storage_namespace
    assert result.gc_uncommitted_location.startswith(f"{namespace}/_lakefs/retention/gc/uncommitted/")
    if server.data_dir is not None:  # the embedded server: read the Parquet it wrote
        import pyarrow.parquet as pq

        location = result.gc_uncommitted_location.removeprefix("local://").lstrip("/")
        files = sorted((server.data_dir / "block" / location).glob("*.parquet"))
        assert len(files) == 1
        table = pq.read_table(files[0])
        assert table.column_names == ["physical_address", "creation_date"]
        listed = sorted(table.column("physical_address").to_pylist())
        staged = sorted(
            main.object(p).stat().physical_address.split(f"/{repo.id}/", 1)[1]
            for p in ("staged/a", "staged/b")
        )
        assert listed == staged
    with pytest.raises(lakefs_sdk.exceptions.NotFoundException):
        internal.prepare_garbage_collection_uncommitted("no-such-repo")
