"""Schemathesis hooks for the lakefs-ts reliability run.

lakeFS itself answers 501 for features a deployment does not offer (presigned multipart on
local storage, sample data, If-None-Match other than "*"), so 501 is a deliberate answer here;
every other 5xx is a server error.
"""
import schemathesis


@schemathesis.check
def no_server_error_except_501(ctx, response, case):
    if response.status_code >= 500 and response.status_code != 501:
        raise AssertionError(
            f"server error {response.status_code}: {response.text[:300]}"
        )
