"""Fit a TensorFlow script-mode job twice with unchanged code; print the code bytes uploaded each time.

    python benchmarks/refit_probe.py lite|official MOTO_URL SOURCE_DIR

Run by bench_refit_upload.py with either SDK's interpreter, against the same moto server.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def main() -> None:
    which, url, source = sys.argv[1], sys.argv[2], sys.argv[3]
    time.sleep = lambda seconds: None  # type: ignore[assignment]
    import boto3

    boto = boto3.Session(region_name="us-west-2", aws_access_key_id="moto", aws_secret_access_key="moto")
    original_client = boto.client

    def client_to_moto(service: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["endpoint_url"] = url
        return original_client(service, *args, **kwargs)

    boto.client = client_to_moto  # type: ignore[method-assign]
    uploaded = {"bytes": 0}

    def count(params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("PutObject", "UploadPart"):
            body = params.get("Body")
            if hasattr(body, "seek"):
                here = body.tell()
                body.seek(0, 2)
                uploaded["bytes"] += body.tell() - here
                body.seek(here)
            elif isinstance(body, (bytes, bytearray)):
                uploaded["bytes"] += len(body)

    boto.events.register("before-parameter-build.s3", count)
    per_fit = []
    if which == "lite":
        from sagemaker_lite import Session
        from sagemaker_lite.tensorflow import TensorFlow as Estimator

        session: Any = Session(boto_session=boto, endpoint_url=url)
    else:
        import requests

        requests.get = lambda *a, **k: None  # type: ignore[assignment]  # no telemetry
        import sagemaker
        from sagemaker.tensorflow import TensorFlow as Estimator  # type: ignore[no-redef]

        session = sagemaker.Session(boto_session=boto)
    for attempt in range(2):
        before = uploaded["bytes"]
        Estimator(
            entry_point="train.py",
            source_dir=source,
            framework_version="2.13",
            py_version="py310",
            role=ROLE,
            instance_count=1,
            instance_type="ml.m5.large",
            sagemaker_session=session,
        ).fit("s3://in-bucket/train", wait=False, job_name=f"refit-{which}-{attempt}")
        per_fit.append(uploaded["bytes"] - before)
    print("\nRESULT " + json.dumps(per_fit))


if __name__ == "__main__":
    main()
