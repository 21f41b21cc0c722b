"""The fault proxy and moto meet the one AWS-double interface (support.aws_double) for recording.

The same requests, recorded on the client side by a ``PassThrough`` and on the wire by the
fault proxy in front of moto, give the same ``Call`` list: service and operation for every
protocol, parameters too for the JSON-protocol services.
"""

from __future__ import annotations

from support.fault_proxy import FaultProxy
from support.moto_server import MotoHandle


def test_the_proxy_and_a_pass_through_record_the_same_calls(proxy: FaultProxy, moto: MotoHandle) -> None:
    boto, recorder = moto.recorded_boto_session()
    boto.client("sts", endpoint_url=proxy.url).get_caller_identity()
    s3 = boto.client("s3", endpoint_url=proxy.url)
    s3.create_bucket(Bucket="contract-bucket", CreateBucketConfiguration={"LocationConstraint": moto.region})
    sagemaker = boto.client("sagemaker", endpoint_url=proxy.url)
    assert sagemaker.list_training_jobs(MaxResults=3)["TrainingJobSummaries"] == []

    expected = [("sts", "GetCallerIdentity"), ("s3", "CreateBucket"), ("sagemaker", "ListTrainingJobs")]
    assert [(c.service, c.operation) for c in recorder.calls] == expected
    assert [(c.service, c.operation) for c in proxy.calls] == expected
    assert proxy.params_of("ListTrainingJobs") == recorder.params_of("ListTrainingJobs") == [{"MaxResults": 3}]
    assert proxy.operations() == recorder.operations()
