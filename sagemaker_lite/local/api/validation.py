"""What every local API answer shares: botocore's own request validation, response metadata.

Both the training and the hosting halves of ``LocalSageMakerClient`` check requests the way
boto3's client does (``ParamValidator`` against the SageMaker service model) before anything
runs, and answer with the ``ResponseMetadata`` a real response carries.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

#: stands in for the RoleArn local mode does not need, so botocore's checks still apply
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/sagemaker-lite-local"


@functools.lru_cache(maxsize=1)
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("sagemaker")


def validate_parameters(operation: str, params: dict[str, Any]) -> None:
    """botocore's client-side validation, exactly as boto3's client runs it."""
    from botocore.exceptions import ParamValidationError
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(params, _service_model().operation_model(operation).input_shape)
    if report.has_errors():
        raise ParamValidationError(report=report.generate_report())


def metadata() -> dict[str, Any]:
    return {"RequestId": str(uuid.uuid4()), "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}


def page(items: list[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    """One page of a List* answer: ``MaxResults`` (default 10) from ``NextToken``, and the next token."""
    start = int(params.get("NextToken") or 0)
    size = int(params.get("MaxResults") or 10)
    result: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        result["NextToken"] = str(start + size)
    result["ResponseMetadata"] = metadata()
    return result
