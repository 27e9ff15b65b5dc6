"""The official Python SDK side (`lakefs` from PyPI), same job/result contract as the TypeScript
sides (bench/sides/protocol.ts): job JSON in argv[1], one `RESULT <json>` line on stdout.

Each job uses the SDK the way its documentation shows: `upload`/`writer` to write (the writer
buffers the whole object, spilling to a temp file past 32 MiB, and sends it on close), `reader`
with fixed-size reads to download, `objects()` to list (with `amount=1000`, the server maximum,
so page count matches the other sides)."""

import hashlib
import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import lakefs
from lakefs.client import Client

CHUNK_SIZE = 1 << 20
READ_SIZE = 8 << 20
_block = b"".join(
    hashlib.sha256(f"lakefs-ts-bench:{i}".encode()).digest() for i in range(CHUNK_SIZE // 32)
)


def payload_chunk(index, length=CHUNK_SIZE):
    """Chunk `index` of the bench payload (see bench/lib/payload.ts)."""
    head = index.to_bytes(8, "big")[: min(8, length)]
    return head + _block[len(head) : length]


def status_bytes(field):
    with open("/proc/self/status") as f:
        m = re.search(field + r":\s+(\d+) kB", f.read())
    return int(m.group(1)) * 1024


def run(job):
    client = Client(host=job["endpoint"], username=job["accessKeyId"], password=job["secretAccessKey"])
    # One untimed round trip first (GET /config), as the other sides do.
    _ = client.version
    repo = lakefs.repository(job["repo"], client=client)
    presign = bool(job.get("presign"))
    op = job["op"]

    if op == "upload-big":
        obj = repo.branch(job["branch"]).object(job["path"])

        def work():
            size = job["size"]
            with obj.writer("wb", pre_sign=presign) as w:
                index, left = 0, size
                while left > 0:
                    n = min(CHUNK_SIZE, left)
                    w.write(payload_chunk(index, n))
                    index, left = index + 1, left - n
            return {"bytes": size, "etag": obj.stat().checksum}

        return work

    if op == "download-big":
        obj = repo.ref(job["ref"]).object(job["path"])

        def work():
            n = 0
            with obj.reader("rb", pre_sign=presign) as r:
                while chunk := r.read(READ_SIZE):
                    n += len(chunk)
            return {"bytes": n}

        return work

    if op == "upload-small":
        branch = repo.branch(job["branch"])
        size = job["size"]

        def put(i):
            branch.object(f"{job['prefix']}{i}").upload(payload_chunk(i, size), mode="wb", pre_sign=presign)

        def work():
            with ThreadPoolExecutor(job["concurrency"]) as ex:
                list(ex.map(put, range(job["count"])))
            return {"count": job["count"], "bytes": job["count"] * size}

        return work

    if op == "download-small":
        ref = repo.ref(job["ref"])

        def get(i):
            with ref.object(f"{job['prefix']}{i}").reader("rb", pre_sign=presign) as r:
                return len(r.read())

        def work():
            with ThreadPoolExecutor(job["concurrency"]) as ex:
                n = sum(ex.map(get, range(job["count"])))
            return {"count": job["count"], "bytes": n}

        return work

    if op == "list":
        ref = repo.ref(job["ref"])
        delimiter = job.get("delimiter")

        def walk(prefix):
            n = 0
            for item in ref.objects(prefix=prefix, delimiter=delimiter, amount=1000):
                n += 1
                if delimiter and isinstance(item, lakefs.CommonPrefix):
                    n += walk(item.path)
            return n

        return lambda: {"count": walk(job["prefix"])}

    if op == "latency":
        ref = repo.ref(job["ref"])

        def stat(path):
            # A fresh handle each time: StoredObject caches its stat after the first call.
            return ref.object(path).stat()

        def get(path):
            with ref.object(path).reader("rb", pre_sign=False) as r:
                return r.read()

        for path in job["paths"]:
            stat(path)
            get(path)

        def work():
            samples = {"stat": [], "get": []}
            for _ in range(job["rounds"]):
                for path in job["paths"]:
                    for kind, fn in (("stat", stat), ("get", get)):
                        start = time.perf_counter()
                        fn(path)
                        samples[kind].append((time.perf_counter() - start) * 1000)
            return {"count": job["rounds"] * len(job["paths"]), "samples": samples}

        return work

    raise ValueError(f"unknown op {op}")


def main():
    job = json.loads(sys.argv[1])
    work = run(job)
    # Reset VmHWM so the peak belongs to the measured work (as in bench/sides/child.ts).
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    idle = status_bytes("VmRSS")
    cpu = time.process_time()
    start = time.perf_counter()
    measured = work()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    result = {
        **measured,
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "idleRss": idle,
        "peakRss": status_bytes("VmHWM"),
    }
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
