"""Sessions and estimators on the scripted doubles (support.scripted), for the job-waiting tests."""

from __future__ import annotations

from typing import Any

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.estimator import Estimator

from .offline import IMAGE, ROLE
from .scripted import ScriptedAWS

NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)
TRAINING = [("InProgress", "Starting"), ("InProgress", "Downloading"), ("InProgress", "Training")]


def make_session(scripted: ScriptedAWS, **kwargs: Any) -> Session:
    return Session(boto_session=scripted.boto_session(), polling=kwargs.pop("polling", NO_SLEEP), **kwargs)


def make_estimator(session: Session, **kwargs: Any) -> Estimator:
    return Estimator(
        IMAGE,
        ROLE,
        kwargs.pop("instance_count", 1),
        "ml.m5.large",
        sagemaker_session=session,
        output_path="s3://out-bucket/out",
        **kwargs,
    )
