"""The Debugger hook, tensor collections, TensorBoard output and profiler settings.

    from sagemaker_lite.debugger import CollectionConfig, DebuggerHookConfig, ProfilerConfig, TensorBoardOutputConfig

    hook = DebuggerHookConfig(
        hook_parameters={"save_interval": "100"},
        collection_configs=[CollectionConfig("losses", {"save_interval": "10"}), CollectionConfig("weights")],
    )
    est = TensorFlow(..., debugger_hook_config=hook,
                     tensorboard_output_config=TensorBoardOutputConfig("s3://bucket/tensorboard"),
                     profiler_config=ProfilerConfig(system_monitor_interval_millis=1000))

These are values (frozen attrs classes, validated when built): the estimator never mutates
them, unlike the official SDK, which fills in ``s3_output_path`` and replaces
``collection_configs`` on the object you passed. The defaults (the job's output path) are
applied when the request is rendered instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .._validation import fail
from . import _checks as c
from ._table import fact


def _collection_parameters(value: Any) -> dict[str, str] | None:
    return c.string_map("parameters", value, limit=20)


def _hook_parameters(value: Any) -> dict[str, str] | None:
    return c.string_map("hook_parameters", value, limit=20)


def _collection_list(value: Any) -> list[CollectionConfig] | None:
    if value is None:
        return None
    if isinstance(value, CollectionConfig):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(i, CollectionConfig) for i in value):
        fail("collection_configs", value, "a list of CollectionConfig objects")
    return list(value)


@attrs.frozen(hash=False)
class CollectionConfig:
    """A tensor collection for the Debugger hook to save.

    ``CollectionConfig("losses", {"train.save_interval": "100", "eval.save_interval": "10"})``;
    a built-in name (``weights``, ``gradients``, ``losses``, ...) adjusts that collection, a new
    name needs ``{"include_regex": "..."}``. Equal name and parameters mean the same collection
    (so the ones rules need are sent once).
    """

    name: str = attrs.field()
    parameters: dict[str, str] | None = attrs.field(default=None, converter=_collection_parameters)

    @name.validator
    def _check_name(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value or len(value) > 256:
            fail("name", value, "a collection name of 1 to 256 characters, such as 'losses'")

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted((self.parameters or {}).items()))))

    def to_request(self) -> dict[str, Any]:
        request: dict[str, Any] = {"CollectionName": self.name}
        if self.parameters is not None:
            request["CollectionParameters"] = dict(self.parameters)
        return request


@attrs.frozen
class DebuggerHookConfig:
    """Where and what the Debugger hook in the training container saves.

    ``DebuggerHookConfig(collection_configs=[CollectionConfig("gradients")])``; ``s3_output_path``
    defaults to the estimator's output path. The collections the job's rules need are added
    to the ones listed here.
    """

    s3_output_path: str | None = attrs.field(default=None)
    container_local_output_path: str | None = attrs.field(default=None)
    hook_parameters: dict[str, str] | None = attrs.field(default=None, converter=_hook_parameters)
    collection_configs: list[CollectionConfig] | None = attrs.field(default=None, converter=_collection_list)

    def __attrs_post_init__(self) -> None:
        c.optional_s3_uri("s3_output_path", self.s3_output_path)
        c.optional_container_path("container_local_output_path", self.container_local_output_path)


@attrs.frozen
class TensorBoardOutputConfig:
    """Where the training container's TensorBoard data goes: ``TensorBoardOutputConfig("s3://bucket/tb")``."""

    s3_output_path: str = attrs.field()
    container_local_output_path: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.s3_output_path is None:
            fail("s3_output_path", None, "an S3 URI such as 's3://bucket/tensorboard'")
        c.optional_s3_uri("s3_output_path", self.s3_output_path)
        c.optional_container_path("container_local_output_path", self.container_local_output_path)

    def to_request(self) -> dict[str, Any]:
        request: dict[str, Any] = {"S3OutputPath": self.s3_output_path}
        if self.container_local_output_path is not None:
            request["LocalPath"] = self.container_local_output_path
        return request


def _profiling_parameters(value: Any) -> dict[str, str] | None:
    """Raw ``ProfilingParameters``: a dict, or any object with ``.profiling_parameters``.

    The official ``FrameworkProfile`` (deprecated by AWS for TensorFlow >= 2.12 and PyTorch
    >= 2.0) is not re-implemented; its ``profiling_parameters`` dict, or that object itself,
    is sent as is.
    """
    if value is None:
        return None
    raw = getattr(value, "profiling_parameters", value)
    if not isinstance(raw, Mapping):
        fail(
            "framework_profile_params",
            value,
            "a dict of ProfilingParameters (name -> JSON string), or an object with .profiling_parameters",
        )
    return c.string_map("framework_profile_params", raw, limit=20)


@attrs.frozen
class ProfilerConfig:
    """System (and framework) profiling of the training job.

    ``ProfilerConfig(system_monitor_interval_millis=500)``; ``s3_output_path`` defaults to the
    estimator's output path. ``disable_profiler=True`` turns profiling off for the job (as the
    estimator's ``disable_profiler=True`` does).
    """

    s3_output_path: str | None = attrs.field(default=None)
    system_monitor_interval_millis: int | None = attrs.field(default=None)
    framework_profile_params: dict[str, str] | None = attrs.field(
        default=None, converter=_profiling_parameters, kw_only=True
    )
    disable_profiler: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        c.optional_s3_uri("s3_output_path", self.s3_output_path)
        interval = self.system_monitor_interval_millis
        if interval is not None:
            allowed = fact("system_monitor_intervals_millis")
            if isinstance(interval, bool) or interval not in allowed:
                fail("system_monitor_interval_millis", interval, "one of " + ", ".join(str(i) for i in allowed))
        if not isinstance(self.disable_profiler, bool):
            fail("disable_profiler", self.disable_profiler, "True or False")

    def to_request(self, default_s3_output_path: str) -> dict[str, Any]:
        """The ``ProfilerConfig`` request field (the S3 path only while profiling is on)."""
        request: dict[str, Any] = {}
        if not self.disable_profiler:
            request["S3OutputPath"] = self.s3_output_path or default_s3_output_path
        request["DisableProfiler"] = self.disable_profiler
        if self.system_monitor_interval_millis is not None:
            request["ProfilingIntervalInMilliseconds"] = self.system_monitor_interval_millis
        if self.framework_profile_params is not None:
            request["ProfilingParameters"] = dict(self.framework_profile_params)
        return request
