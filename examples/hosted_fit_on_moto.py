"""The hosted training path, end to end, against a moto server this script starts itself.

    python examples/hosted_fit_on_moto.py

Seed 002's flow: a region and role, the default bucket, a CSV upload, the built-in
XGBoost image from the registry, set_hyperparameters, fit with live logs, then attach by
name the way a scheduler would. moto (a test dependency) answers every AWS call over
real HTTP on 127.0.0.1; no AWS account or credentials are used. moto does not run
containers, so this script writes what the XGBoost container would print into moto's
CloudWatch Logs before fitting, to show log streaming from both hosts.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the moto server harness lives with the tests

from support.moto_server import MotoServer  # noqa: E402

from sagemaker_lite import Session, TrainingInput, image_uris  # noqa: E402
from sagemaker_lite.estimator import Estimator  # noqa: E402

REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
JOB = "xgboost-boston-demo"


def pretend_container_logs(session: Session) -> None:
    """What the two XGBoost hosts would print; moto runs no containers."""
    logs = session.logs_client
    logs.create_log_group(logGroupName="/aws/sagemaker/TrainingJobs")
    now = int(time.time() * 1000)
    for host_index, host in enumerate(["algo-1", "algo-2"]):
        stream = f"{JOB}/{host}-{now // 1000}"
        logs.create_log_stream(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream)
        lines = ["loading train.csv", *(f"[{r}]\ttrain-rmse:{9.5 / (r + 1):.3f}" for r in range(3))]
        events = [{"timestamp": now + 100 * i + host_index, "message": line} for i, line in enumerate(lines)]
        logs.put_log_events(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream, logEvents=events)


def main() -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "moto"  # never the user's real credentials
    with MotoServer() as server:
        print(f"moto server on {server.url}")
        session = Session(region_name=REGION, endpoint_url=server.url)
        train_uri = session.upload_data(str(ROOT / "tests" / "data" / "boston_housing.csv"), key_prefix="boston/train")
        print(f"uploaded to {train_uri} (default bucket {session.default_bucket()})")

        image = image_uris.retrieve("xgboost", REGION, "1.7-1")
        xgb = Estimator(
            image,
            ROLE,
            instance_count=2,
            instance_type="ml.m5.xlarge",
            sagemaker_session=session,
            base_job_name="xgboost-boston",
        )
        xgb.set_hyperparameters(objective="reg:squarederror", num_round=3, max_depth=5, eta=0.2)
        print(xgb)

        pretend_container_logs(session)
        xgb.fit({"train": TrainingInput(train_uri, content_type="text/csv")}, job_name=JOB)
        print(f"model artifact: {xgb.model_data}")

        later = Estimator.attach(JOB, sagemaker_session=Session(region_name=REGION, endpoint_url=server.url))
        print(
            f"attached: {later.latest_training_job.name} is {later.latest_training_job.status}; "
            f"hyperparameters {later.hyperparameters()}"
        )


if __name__ == "__main__":
    main()
