"""The hosting fake's own checks (the fake lives in support.hosting)."""

from __future__ import annotations

from botocore.exceptions import ClientError
from support.hosting import FakeHosting

# --- the fake's own checks ----------------------------------------------------------------------


def test_fake_plays_a_status_script_and_records_sleeps_in_the_timeline() -> None:
    fake = FakeHosting([{"EndpointName": "e", "EndpointConfigName": "c", "ModelName": "m"}])
    fake.script("e", ["Creating", "InService"])
    client = fake.session().sagemaker_client
    assert client.describe_endpoint(EndpointName="e")["EndpointStatus"] == "Creating"
    fake.sleep(1.0)
    assert client.describe_endpoint(EndpointName="e")["EndpointStatus"] == "InService"
    assert fake.timeline == ["DescribeEndpoint", "sleep", "DescribeEndpoint"]


def test_fake_reports_missing_resources_as_sagemaker_does() -> None:
    client = FakeHosting().session().sagemaker_client
    try:
        client.describe_endpoint_config(EndpointConfigName="nope")
    except ClientError as exc:
        assert exc.response["Error"]["Message"] == 'Could not find endpoint configuration "nope".'
    else:  # pragma: no cover
        raise AssertionError("expected a ClientError")
