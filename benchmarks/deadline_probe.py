"""Time one operation of either SDK against a server that never answers (or is gone), print JSON.

    python benchmarks/deadline_probe.py lite|official fit|deploy|predict URL

Run by bench_deadlines.py, once per SDK and operation, with each SDK's DEFAULT timeouts and
retries (nothing configured), every client pointed at URL. Prints ``RESULT {...}`` with the
seconds until the operation raised and the error's type and first line.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
TRAIN_IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
SERVE_IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


def boto_session(url: str) -> Any:
    import boto3

    boto = boto3.Session(region_name="us-west-2", aws_access_key_id="probe", aws_secret_access_key="probe")
    original = boto.client

    def client_to(service: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["endpoint_url"] = url  # the official SDK passes its own STS endpoint; send it here too
        return original(service, *args, **kwargs)

    boto.client = client_to  # type: ignore[method-assign]
    return boto


def operation(which: str, what: str, url: str) -> Any:
    if which == "lite":
        from sagemaker_lite import Session
        from sagemaker_lite.estimator import Estimator
        from sagemaker_lite.model import Model
        from sagemaker_lite.predictor import Predictor

        session: Any = Session(boto_session=boto_session(url))
    else:
        import sagemaker
        from sagemaker.estimator import Estimator  # type: ignore[no-redef]
        from sagemaker.model import Model  # type: ignore[no-redef]
        from sagemaker.predictor import Predictor  # type: ignore[no-redef]

        session = sagemaker.Session(boto_session=boto_session(url), default_bucket="probe-bucket")
    if what == "fit":
        estimator = Estimator(
            TRAIN_IMAGE,
            role=ROLE,
            instance_count=1,
            instance_type="ml.m5.large",
            output_path="s3://probe-bucket/out",
            sagemaker_session=session,
        )
        return lambda: estimator.fit("s3://probe-bucket/train", wait=False)
    if what == "deploy":
        model = Model(SERVE_IMAGE, model_data="s3://probe-bucket/model.tar.gz", role=ROLE, sagemaker_session=session)
        return lambda: model.deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name="probe-ep")
    predictor = Predictor("probe-ep", sagemaker_session=session)
    return lambda: predictor.predict(b"1,2,3")


def main() -> None:
    which, what, url = sys.argv[1], sys.argv[2], sys.argv[3]
    action = operation(which, what, url)
    started = time.perf_counter()
    try:
        action()
        error, message = "", "(no error)"
    except Exception as exc:  # the point: what the user sees, and when
        error, message = type(exc).__name__, str(exc).splitlines()[0][:160]
    seconds = time.perf_counter() - started
    print("RESULT " + json.dumps({"seconds": round(seconds, 1), "error": error, "message": message}), flush=True)


if __name__ == "__main__":
    main()
