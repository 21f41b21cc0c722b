"""The attach inverse: a DescribeTrainingJob response -> the settings that send the same request.

``config_kwargs_from_description`` reads the simple settings back with the same table the
builder writes them with (``training_fields``), and the hand-written ones here, so ``attach``
rebuilds an estimator whose next request equals the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .training import MODEL_CHANNEL_CONTENT_TYPE, InstanceGroup, TrainingConfig
from .training_fields import read_settings


def config_kwargs_from_description(description: Mapping[str, Any], model_channel_name: str = "model") -> dict[str, Any]:
    """DescribeTrainingJob -> TrainingConfig keyword arguments (the inverse of the builder).

    Tolerant of every field AWS may omit. ``hyperparameters`` are returned as sent
    (strings); estimator classes decode them their own way.
    """
    from .debugger.attach import config_kwargs_from_description as debugger_kwargs_from_description

    defaults = {field.name: field.default for field in attrs.fields(TrainingConfig)}
    resources = description.get("ResourceConfig", {})
    kwargs: dict[str, Any] = {
        **read_settings(description, defaults),
        "role": description.get("RoleArn"),
        "output_path": description.get("OutputDataConfig", {}).get("S3OutputPath"),
        "hyperparameters": dict(description.get("HyperParameters") or {}),
        "model_channel_name": model_channel_name,
        **debugger_kwargs_from_description(description),
    }
    if resources.get("InstanceGroups"):
        kwargs["instance_groups"] = [
            InstanceGroup(g["InstanceGroupName"], g["InstanceType"], g["InstanceCount"])
            for g in resources["InstanceGroups"]
        ]
    else:
        kwargs["instance_count"] = resources.get("InstanceCount")
        kwargs["instance_type"] = resources.get("InstanceType")
    checkpoint = description.get("CheckpointConfig")
    if checkpoint:
        kwargs["checkpoint_s3_uri"] = checkpoint.get("S3Uri")
        kwargs["checkpoint_local_path"] = checkpoint.get("LocalPath")
    for channel in description.get("InputDataConfig") or []:
        if (
            channel.get("ChannelName") == model_channel_name
            and channel.get("ContentType") == MODEL_CHANNEL_CONTENT_TYPE
        ):
            kwargs["model_uri"] = channel["DataSource"]["S3DataSource"]["S3Uri"]
    return kwargs


def data_channels_from_description(
    description: Mapping[str, Any], model_channel_name: str = "model"
) -> list[dict[str, Any]]:
    """The job's data channels, without the model channel ``model_uri`` adds."""
    return [
        dict(channel)
        for channel in description.get("InputDataConfig") or []
        if not (
            channel.get("ChannelName") == model_channel_name
            and channel.get("ContentType") == MODEL_CHANNEL_CONTENT_TYPE
        )
    ]
