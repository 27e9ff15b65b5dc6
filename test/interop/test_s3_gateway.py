"""The S3 gateway driven by clients nobody here wrote: boto3 (SigV4 with default checksums, and
SigV2), the AWS CLI (`aws s3` cp/ls/sync/rm, `aws s3api`), and pandas writing Parquet through
pyarrow's S3 filesystem, committed with the lakeFS SDK and read back from the commit id.
Sizes are small; multipart is forced with low thresholds."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pandas as pd
import pyarrow.fs
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from helpers import ACCESS_KEY_ID, SECRET_ACCESS_KEY

MiB = 1024 * 1024


def s3_client(server, **config):
    return boto3.client(
        "s3",
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **config),
    )


def error_code(excinfo) -> tuple[str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_boto3_objects_metadata_ranges_listing(server, repo):
    s3 = s3_client(server)
    body = b"id,value\n1,2\n"
    put = s3.put_object(
        Bucket=repo.id,
        Key="main/data/a.csv",
        Body=body,
        ContentType="text/csv",
        Metadata={"owner": "analytics"},
    )
    assert put["ETag"] == f'"{md5(body)}"'
    got = s3.get_object(Bucket=repo.id, Key="main/data/a.csv")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/csv"
    # lakeFS answers metadata headers in canonical case, so boto3 sees "Owner".
    assert {k.lower(): v for k, v in got["Metadata"].items()} == {"owner": "analytics"}
    part = s3.get_object(Bucket=repo.id, Key="main/data/a.csv", Range="bytes=3-7")
    assert part["Body"].read() == b"value"
    assert part["ContentRange"] == "bytes 3-7/13"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=repo.id, Key="main/data/a.csv", Range="bytes=100-")
    assert error_code(excinfo) == ("InvalidRange", 416)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=repo.id, Key="main/data/missing")
    assert error_code(excinfo) == ("NoSuchKey", 404)

    for i in range(7):
        s3.put_object(Bucket=repo.id, Key=f"main/data/part-{i}", Body=str(i).encode())
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=repo.id, Prefix="main/data/", PaginationConfig={"PageSize": 3}
    )
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    assert keys == ["main/data/a.csv"] + [f"main/data/part-{i}" for i in range(7)]
    roots = s3.list_objects_v2(Bucket=repo.id, Delimiter="/")
    assert [p["Prefix"] for p in roots["CommonPrefixes"]] == ["main/"]

    deleted = s3.delete_objects(
        Bucket=repo.id,
        Delete={"Objects": [{"Key": f"main/data/part-{i}"} for i in range(7)]},
    )
    assert len(deleted["Deleted"]) == 7
    left = s3.list_objects(Bucket=repo.id, Prefix="main/data/")
    assert [o["Key"] for o in left["Contents"]] == ["main/data/a.csv"]


def test_boto3_copy_and_multipart_transfer(server, repo, tmp_path):
    s3 = s3_client(server)
    data = os.urandom(11 * MiB)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    s3.upload_file(str(src), repo.id, "main/big.bin", Config=config)
    head = s3.head_object(Bucket=repo.id, Key="main/big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    dest = tmp_path / "back.bin"
    s3.download_file(repo.id, "main/big.bin", str(dest), Config=config)
    assert md5(dest.read_bytes()) == md5(data)

    s3.copy_object(Bucket=repo.id, Key="main/copy.bin", CopySource={"Bucket": repo.id, "Key": "main/big.bin"})
    assert s3.head_object(Bucket=repo.id, Key="main/copy.bin")["ETag"] == head["ETag"]
    # The lakeFS API sees the same object.
    stat = repo.branch("main").object("big.bin").stat()
    assert f'"{stat.checksum}"' == head["ETag"]
    assert stat.size_bytes == len(data)


def test_boto3_sigv2_and_bad_credentials(server, repo):
    v2 = s3_client(server, signature_version="s3")
    v2.put_object(Bucket=repo.id, Key="main/v2.txt", Body=b"signed with v2")
    assert v2.get_object(Bucket=repo.id, Key="main/v2.txt")["Body"].read() == b"signed with v2"
    url = v2.generate_presigned_url("get_object", Params={"Bucket": repo.id, "Key": "main/v2.txt"})
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"signed with v2"

    bad = boto3.client(
        "s3",
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key="wrong",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as excinfo:
        bad.get_object(Bucket=repo.id, Key="main/v2.txt")
    assert error_code(excinfo) == ("SignatureDoesNotMatch", 403)
    with pytest.raises(ClientError) as excinfo:
        bad.put_object(Bucket=repo.id, Key="main/evil.txt", Body=b"x")
    assert error_code(excinfo) == ("SignatureDoesNotMatch", 403)


def aws(server, tmp_path: Path, *args: str, returncode: int = 0) -> str:
    config = tmp_path / "aws-config"
    config.write_text(
        "[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n"
        "    multipart_threshold = 5MB\n    multipart_chunksize = 5MB\n"
    )
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
    }
    cli = Path(sys.executable).parent / "aws"
    result = subprocess.run(
        [str(cli), "--endpoint-url", server.url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == returncode, result.stderr
    return result.stdout


def test_aws_cli_cp_ls_sync_rm_s3api(server, repo, tmp_path):
    big = tmp_path / "big.bin"
    data = os.urandom(12 * MiB)
    big.write_bytes(data)
    aws(server, tmp_path, "s3", "cp", str(big), f"s3://{repo.id}/main/cli/big.bin")
    head = aws(server, tmp_path, "s3api", "head-object", "--bucket", repo.id, "--key", "main/cli/big.bin")
    assert '-3\\""' in head  # a multipart ETag: 12 MiB in 5 MiB parts
    assert " big.bin" in aws(server, tmp_path, "s3", "ls", f"s3://{repo.id}/main/cli/")
    assert "PRE main/" in aws(server, tmp_path, "s3", "ls", f"s3://{repo.id}/")

    local = tmp_path / "tree"
    (local / "sub").mkdir(parents=True)
    an_hour_ago = time.time() - 3600
    for name, body in {"a.txt": b"alpha", "sub/b.txt": b"beta", "sub/c.txt": b"gamma"}.items():
        (local / name).write_bytes(body)
        # sync compares mtimes with Last-Modified (whole seconds): a file written in the second
        # of its upload would look newer than its copy and be sent again.
        os.utime(local / name, (an_hour_ago, an_hour_ago))
    aws(server, tmp_path, "s3", "sync", str(local), f"s3://{repo.id}/main/tree/")
    listed = aws(server, tmp_path, "s3", "ls", "--recursive", f"s3://{repo.id}/main/tree/")
    assert sorted(line.split()[-1] for line in listed.splitlines()) == [
        "main/tree/a.txt",
        "main/tree/sub/b.txt",
        "main/tree/sub/c.txt",
    ]
    back = tmp_path / "back"
    aws(server, tmp_path, "s3", "sync", f"s3://{repo.id}/main/tree/", str(back))
    assert (back / "sub" / "c.txt").read_bytes() == b"gamma"
    # A second sync has nothing to do.
    assert aws(server, tmp_path, "s3", "sync", str(local), f"s3://{repo.id}/main/tree/").strip() == ""

    aws(
        server,
        tmp_path,
        "s3api",
        "put-object",
        "--bucket",
        repo.id,
        "--key",
        "main/meta.txt",
        "--body",
        str(local / "a.txt"),
        "--metadata",
        "team=ml",
        "--content-type",
        "text/plain",
    )
    meta = aws(server, tmp_path, "s3api", "head-object", "--bucket", repo.id, "--key", "main/meta.txt")
    assert '"ml"' in meta and "text/plain" in meta
    out = tmp_path / "range.out"
    aws(
        server,
        tmp_path,
        "s3api",
        "get-object",
        "--bucket",
        repo.id,
        "--key",
        "main/meta.txt",
        "--range",
        "bytes=1-3",
        str(out),
    )
    assert out.read_bytes() == b"lph"

    aws(server, tmp_path, "s3", "rm", "--recursive", f"s3://{repo.id}/main/tree/")
    # `aws s3 ls` exits with 1 when nothing matches.
    listed = aws(server, tmp_path, "s3", "ls", "--recursive", f"s3://{repo.id}/main/tree/", returncode=1)
    assert listed.strip() == ""


def test_pandas_parquet_through_pyarrow_s3(server, repo):
    fs = pyarrow.fs.S3FileSystem(
        access_key=ACCESS_KEY_ID,
        secret_key=SECRET_ACCESS_KEY,
        endpoint_override=server.url.removeprefix("http://"),
        scheme="http",
        region="us-east-1",
    )
    df = pd.DataFrame({"lake": ["Baikal", "Tanganyika"], "depth_m": [1642, 1470]})
    df.to_parquet(f"{repo.id}/main/tables/lakes.parquet", filesystem=fs, index=False)
    commit = repo.branch("main").commit(message="lakes table")
    repo.branch("main").object("tables/lakes.parquet").delete()
    back = pd.read_parquet(f"{repo.id}/{commit.get_commit().id}/tables/lakes.parquet", filesystem=fs)
    pd.testing.assert_frame_equal(back, df)
