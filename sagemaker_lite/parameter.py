"""Hyperparameter ranges for tuning: what a tuning job may try for each hyperparameter.

    from sagemaker_lite.tuner import ContinuousParameter, IntegerParameter, CategoricalParameter

    ranges = {
        "eta": ContinuousParameter(0.01, 0.3),
        "alpha": ContinuousParameter(1e-3, 10, scaling_type="Logarithmic"),
        "max_depth": IntegerParameter(3, 9),
        "tree_method": CategoricalParameter(["auto", "hist"]),
    }

Values are frozen (attrs) and checked as they are made: a range whose minimum exceeds its
maximum, a logarithmic range that reaches zero or an empty category list raises
``ValidationError`` here, not minutes later from the service. The request form sends every
number as a string (what CreateHyperParameterTuningJob takes); categorical values of a
framework estimator are sent JSON-encoded, because the framework containers decode every
hyperparameter as JSON (the official SDK does the same).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from .errors import ValidationError

SCALING_TYPES = ("Auto", "Linear", "Logarithmic", "ReverseLogarithmic")


def _to_string(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _number(name: str) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValidationError(attribute.name, value, f"a finite number ({name})")

    return check


def _scaling(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in SCALING_TYPES:
        raise ValidationError("scaling_type", value, f"one of {', '.join(SCALING_TYPES)}")


@attrs.frozen
class _NumericRange:
    """A numeric interval [min_value, max_value] searched on a linear or log scale."""

    min_value: float = attrs.field(validator=_number("the lower end of the range"))
    max_value: float = attrs.field(validator=_number("the upper end of the range"))
    scaling_type: str = attrs.field(default="Auto", validator=_scaling)

    __name__: ClassVar[str] = ""

    def __attrs_post_init__(self) -> None:
        if self.min_value > self.max_value:
            raise ValidationError("min_value", self.min_value, f"a value <= max_value ({self.max_value})")
        if self.scaling_type == "Logarithmic" and self.min_value <= 0:
            raise ValidationError(
                "min_value", self.min_value, "a value > 0 (a Logarithmic range cannot reach 0 or below)"
            )
        if self.scaling_type == "ReverseLogarithmic" and not (self.min_value >= 0 and self.max_value < 1):
            raise ValidationError("max_value", self.max_value, "a range within [0, 1) for ReverseLogarithmic scaling")

    def is_valid(self, value: Any) -> bool:
        return bool(self.min_value <= value <= self.max_value)

    @classmethod
    def cast_to_type(cls, value: Any) -> Any:
        return float(value)

    def as_tuning_range(self, name: str) -> dict[str, str]:
        """The request form: ``{"Name", "MinValue", "MaxValue", "ScalingType"}``, numbers as strings."""
        return {
            "Name": name,
            "MinValue": _to_string(self.min_value),
            "MaxValue": _to_string(self.max_value),
            "ScalingType": self.scaling_type,
        }


@attrs.frozen
class ContinuousParameter(_NumericRange):
    """Any real value in [min_value, max_value]: ``ContinuousParameter(0.01, 0.3)``."""

    __name__: ClassVar[str] = "Continuous"


@attrs.frozen
class IntegerParameter(_NumericRange):
    """Any integer in [min_value, max_value]: ``IntegerParameter(3, 9)``."""

    __name__: ClassVar[str] = "Integer"

    def __attrs_post_init__(self) -> None:
        for field in ("min_value", "max_value"):
            value = getattr(self, field)
            if float(value) != int(value):
                raise ValidationError(field, value, "a whole number (an IntegerParameter's bounds are integers)")
        super().__attrs_post_init__()

    @classmethod
    def cast_to_type(cls, value: Any) -> Any:
        return int(value)


def _values(value: Any) -> list[str]:
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    return [_to_string(item) for item in items]


def _non_empty(_: Any, attribute: attrs.Attribute[Any], value: list[str]) -> None:
    if not value:
        raise ValidationError("values", value, "at least one value")
    if len(set(value)) != len(value):
        raise ValidationError("values", value, "distinct values")


@attrs.frozen
class CategoricalParameter:
    """One of a list of values: ``CategoricalParameter(["adam", "sgd"])`` (values become strings)."""

    values: list[str] = attrs.field(converter=_values, validator=_non_empty)

    __name__: ClassVar[str] = "Categorical"
    __all_types__: ClassVar[tuple[str, ...]] = ("Continuous", "Categorical", "Integer")

    def is_valid(self, value: Any) -> bool:
        return value in self.values

    @classmethod
    def cast_to_type(cls, value: Any) -> Any:
        return str(value)

    def as_tuning_range(self, name: str) -> dict[str, Any]:
        return {"Name": name, "Values": list(self.values)}

    def as_json_range(self, name: str) -> dict[str, Any]:
        """The framework-container form: each value JSON-encoded (``"adam"`` -> ``'"adam"'``)."""
        return {"Name": name, "Values": [json.dumps(value) for value in self.values]}


ParameterRange = ContinuousParameter | IntegerParameter | CategoricalParameter
RANGE_TYPES = ("Continuous", "Categorical", "Integer")  # the request's order of range lists


def check_ranges(parameter: str, ranges: Any) -> dict[str, ParameterRange]:
    """A dict of hyperparameter name -> range, or ``ValidationError`` naming what is wrong."""
    if not isinstance(ranges, dict) or not ranges:
        raise ValidationError(parameter, ranges, "a non-empty dict of hyperparameter name -> parameter range")
    for name, value in ranges.items():
        if not isinstance(name, str) or not name:
            raise ValidationError(parameter, name, "hyperparameter names that are non-empty strings")
        if not isinstance(value, (ContinuousParameter, IntegerParameter, CategoricalParameter)):
            raise ValidationError(
                f"{parameter}[{name!r}]", value, "a ContinuousParameter, IntegerParameter or CategoricalParameter"
            )
    return dict(ranges)


def ranges_request(ranges: dict[str, ParameterRange], *, json_categoricals: bool) -> dict[str, list[Any]]:
    """``ParameterRanges`` of the request: Continuous, Categorical, Integer lists, in that order."""
    out: dict[str, list[Any]] = {}
    for kind in RANGE_TYPES:
        entries: list[Any] = []
        for name, value in ranges.items():
            if value.__name__ != kind:
                continue
            if isinstance(value, CategoricalParameter) and json_categoricals:
                entries.append(value.as_json_range(name))
            else:
                entries.append(value.as_tuning_range(name))
        out[f"{kind}ParameterRanges"] = entries
    return out


def ranges_from_request(request: dict[str, Sequence[dict[str, Any]]], *, json_categoricals: bool) -> dict[str, Any]:
    """The inverse of ``ranges_request`` (for ``HyperparameterTuner.attach``)."""
    ranges: dict[str, Any] = {}
    for entry in request.get("ContinuousParameterRanges", []):
        ranges[entry["Name"]] = ContinuousParameter(
            _number_from(entry["MinValue"]), _number_from(entry["MaxValue"]), entry.get("ScalingType", "Auto")
        )
    for entry in request.get("IntegerParameterRanges", []):
        ranges[entry["Name"]] = IntegerParameter(
            int(float(entry["MinValue"])), int(float(entry["MaxValue"])), entry.get("ScalingType", "Auto")
        )
    for entry in request.get("CategoricalParameterRanges", []):
        values = [_json_or_raw(v) for v in entry["Values"]] if json_categoricals else list(entry["Values"])
        ranges[entry["Name"]] = CategoricalParameter(values)
    return ranges


def _number_from(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _json_or_raw(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
