"""Run one first fit (default bucket, wait, logs) with either SDK and print its AWS calls as JSON.

    python benchmarks/fit_calls_probe.py lite|official MOTO_URL

Run by bench_api_calls.py: once with this interpreter for sagemaker_lite, once with the
side venv's interpreter for the official SDK, against the same moto server. Sleeps are
recorded instead of slept, so the wall time is the client's own work.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


def main() -> None:
    which, url = sys.argv[1], sys.argv[2]
    sleeps: list[float] = []
    time.sleep = lambda seconds: sleeps.append(seconds)  # type: ignore[assignment]
    import boto3

    calls: list[str] = []
    boto = boto3.Session(region_name="us-west-2", aws_access_key_id="moto", aws_secret_access_key="moto")
    boto.events.register(
        "before-call", lambda model, **_: calls.append(f"{model.service_model.service_name}.{model.name}")
    )
    original_client = boto.client

    def client_to_moto(service: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["endpoint_url"] = url  # the official SDK passes its own STS endpoint; moto answers all
        return original_client(service, *args, **kwargs)

    boto.client = client_to_moto  # type: ignore[method-assign]
    http_gets: list[str] = []
    started = time.perf_counter()
    if which == "lite":
        from sagemaker_lite import Session
        from sagemaker_lite.estimator import Estimator

        session: Any = Session(boto_session=boto, endpoint_url=url)
        estimator: Any = Estimator(IMAGE, ROLE, 1, "ml.m5.large", sagemaker_session=session)
        estimator.fit("s3://in-bucket/train")
    else:
        import requests

        def no_network(target: str, *args: Any, **kwargs: Any) -> None:
            http_gets.append(target.split("?")[0])  # the SDK's telemetry GET: counted, not sent
            raise requests.exceptions.ConnectionError("benchmark: no network")

        requests.get = no_network  # type: ignore[assignment]
        import sagemaker
        from sagemaker.estimator import Estimator as OfficialEstimator

        session = sagemaker.Session(boto_session=boto)
        estimator = OfficialEstimator(
            IMAGE, ROLE, instance_count=1, instance_type="ml.m5.large", sagemaker_session=session
        )
        estimator.fit("s3://in-bucket/train")
    fit_calls = len(calls)
    if len(sys.argv) > 3 and sys.argv[3] == "full":
        predictor = estimator.deploy(initial_instance_count=1, instance_type="ml.m5.large")
        result = predictor.predict(b"1.0,2.0,3.0")
        assert result, result
        predictor.delete_model()  # before delete_endpoint: the official SDK finds the model via the config
        predictor.delete_endpoint()
    elapsed = time.perf_counter() - started
    print(
        "\nRESULT "
        + json.dumps(
            {"fit_calls": fit_calls, "calls": calls, "sleeps": sleeps, "seconds": elapsed, "http_gets": http_gets}
        )
    )


if __name__ == "__main__":
    main()
