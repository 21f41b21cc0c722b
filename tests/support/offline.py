"""Offline helpers shared by unit tests: fake boto3 sessions and the names the cases use.

A session that must reach nothing gets a ``support.aws_double.RefusingAWS`` installed: it
records every attempted call (``refuser.calls``) and refuses it.
"""

from __future__ import annotations

import boto3

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


def fake_boto_session(region: str = "us-west-2") -> boto3.Session:
    return boto3.Session(region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing")
