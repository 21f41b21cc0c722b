"""PURE: the XGBoost algorithm's hyperparameters - names, types, ranges, dependencies - and their checks.

    validate({"num_round": "100", "eta": "0.2", "objective": "binary:logistic"})
    # {'num_round': 100, 'eta': 0.2, 'objective': 'binary:logistic'}
    validate({"eta": "0.2"})
    # AlgorithmUserError: Missing required hyperparameter: num_round

Restated from the container's algorithm-mode table and the algorithm toolkit's rules,
in the toolkit's order: aliases (``learning_rate`` -> ``eta`` ...) are replaced; a
missing required name fails; every value (a string, as in ``hyperparameters.json``) is
parsed by its type (int, float, a comma-separated list, a tuple, a nested list), then
checked against its range, then against the names it depends on (``num_class`` for a
``multi:*`` objective, ``objective`` for an ``auc`` metric, ``tree_method`` for
constraints). A failure raises ``AlgorithmUserError`` with the container's message,
which the job reports as its FailureReason.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import MAXIMIZE_METRICS, MINIMIZE_METRICS


class AlgorithmUserError(Exception):
    """A problem the user can fix (the toolkit's UserError): reported as the job's failure."""


@dataclass(frozen=True)
class Interval:
    """A numeric range printed as the toolkit prints it: ``[0, 1]``, ``(0, 1]``, ``[1, +inf)``."""

    min_closed: float | None = None
    min_open: float | None = None
    max_closed: float | None = None
    max_open: float | None = None

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, (int, float)):
            return False
        return not (
            (self.min_open is not None and value <= self.min_open)
            or (self.min_closed is not None and value < self.min_closed)
            or (self.max_open is not None and value >= self.max_open)
            or (self.max_closed is not None and value > self.max_closed)
        )

    def __str__(self) -> str:
        low = (
            f"({_num(self.min_open)}, "
            if self.min_open is not None
            else f"[{_num(self.min_closed)}, "
            if self.min_closed is not None
            else "(-inf, "
        )
        high = (
            f"{_num(self.max_open)})"
            if self.max_open is not None
            else f"{_num(self.max_closed)}]"
            if self.max_closed is not None
            else "+inf)"
        )
        return low + high


def _num(value: float | None) -> str:
    return str(value)


@dataclass(frozen=True)
class Spec:
    """One hyperparameter: how to parse it, what it may be, what it depends on."""

    name: str
    kind: str  # int, float, str, list, tuple, nested
    allowed: Any = None  # Interval, a sequence of values, or a predicate (value) -> bool
    shown: str | None = None  # how ``allowed`` is printed when it is a predicate
    depends_on: tuple[str, ...] = ()
    check: Callable[[Any, dict[str, Any]], None] | None = None
    required: bool = False

    def parse(self, raw: Any) -> Any:
        text = raw if isinstance(raw, str) else str(raw)
        if self.kind == "int":
            return int(text)
        if self.kind == "float":
            return float(text)
        if self.kind == "list":
            return text.split(",")
        if self.kind == "tuple":
            value = ast.literal_eval(text)
            return tuple(value) if isinstance(value, (list, tuple)) else (value,)
        if self.kind == "nested":
            return ast.literal_eval(text)
        return text

    def _contains(self, value: Any) -> bool:
        if self.allowed is None:
            return True
        if callable(self.allowed) and not isinstance(self.allowed, Interval):
            return bool(self.allowed(value))
        return value in self.allowed

    def _range_text(self) -> str:
        return self.shown if self.shown is not None else str(self.allowed)

    def validate_range(self, value: Any) -> None:
        if self.kind in ("list", "tuple", "nested"):
            items = [v for outer in value for v in outer] if self.kind == "nested" else list(value)
            if any(not self._contains(v) for v in items):
                raise AlgorithmUserError(f"Hyperparameter {self.name}: value {value} not in range {self._range_text()}")
        elif not self._contains(value):
            raise AlgorithmUserError(f"Hyperparameter {self.name}: {value} is not in {self._range_text()}")


# --- dependency checks (messages as the container words them) -------------------------------------


def _objective_needs_num_class(value: Any, deps: dict[str, Any]) -> None:
    num_class = deps.get("num_class")
    if value in ("multi:softmax", "multi:softprob") and num_class is None:
        raise AlgorithmUserError("Require input for parameter 'num_class' for multi-classification")


def _eval_metric_fits_objective(value: Any, deps: dict[str, Any]) -> None:
    objective = deps["objective"]  # the container reads it unconditionally (a KeyError without one)
    if "auc" in value and not any(objective.startswith(kind) for kind in ("binary:", "rank:")):
        raise AlgorithmUserError("Metric 'auc' can only be applied for classification and ranking problems.")
    if "aft-nloglik" in value and objective != "survival:aft":
        raise AlgorithmUserError("Metric 'aft-nloglik' can only be applied for 'survival:aft' objective.")


def _monotone_needs_tree_method(value: Any, deps: dict[str, Any]) -> None:
    if value is not None and deps.get("tree_method") not in ("exact", "hist"):
        raise AlgorithmUserError(
            "monotone_constraints can be used only when the tree_method parameter is set to either 'exact' or 'hist'."
        )


def _interaction_needs_tree_method(value: Any, deps: dict[str, Any]) -> None:
    if value is not None and deps.get("tree_method") not in ("exact", "hist", "approx"):
        raise AlgorithmUserError(
            "interaction_constraints can be used only when the tree_method parameter is set to either 'exact', "
            "'hist' or 'approx'."
        )


_TREE_UPDATERS = (
    "grow_colmaker", "distcol", "grow_histmaker", "grow_skmaker", "sync", "refresh", "prune",
    "grow_quantile_histmaker",
)  # fmt: skip
_TREE_BUILDERS = ("grow_colmaker", "distcol", "grow_histmaker", "grow_quantile_histmaker")
_LINEAR_UPDATERS = ("shotgun", "coord_descent")


def _updater_fits_booster(value: Any, deps: dict[str, Any]) -> None:
    if deps.get("booster") == "gblinear":
        if not (len(value) == 1 and value[0] in _LINEAR_UPDATERS):
            raise AlgorithmUserError("Linear updater should be one of these options: 'shotgun', 'coord_descent'.")
    elif deps.get("process_type") == "update":
        if not all(v in ("refresh", "prune") for v in value):
            raise AlgorithmUserError("process_type 'update' can only be used with updater 'refresh' and 'prune'")
    else:
        if not all(v in _TREE_UPDATERS for v in value):
            raise AlgorithmUserError(
                "Tree updater should be selected from these options: 'grow_colmaker', 'distcol', 'grow_histmaker', "
                "'grow_skmaker', 'grow_quantile_histmaker', 'sync', 'refresh', 'prune', 'shortgun', 'coord_descent'."
            )
        if sum(1 for v in value if v in _TREE_BUILDERS) > 1:
            raise AlgorithmUserError(
                "Only one tree grow plugin can be selected. Choose one from thefollowing: 'grow_colmaker', "
                "'distcol', 'grow_histmaker', 'grow_skmaker'"
            )


_METRICS = (*MAXIMIZE_METRICS, *MINIMIZE_METRICS)


def _eval_metric_allowed(metric: str) -> bool:
    if "<function" in metric:
        raise AlgorithmUserError(f"User defined evaluation metric {metric} is not supported yet.")
    if "@" in metric:
        name, _, threshold = (part.strip() for part in metric.partition("@"))
        if name not in ("error", "ndcg", "map"):
            raise AlgorithmUserError(
                f"Metric '{metric}' is not supported. Parameter 'eval_metric' with customized threshold should be "
                "one of these options: 'error', 'ndcg', 'map'."
            )
        try:
            float(threshold)
        except ValueError:
            raise AlgorithmUserError(f"Threshold value 't' in '{name}@t' expects float input.") from None
        return True
    return metric in _METRICS


OBJECTIVES = (
    "aft_loss_distribution", "binary:logistic", "binary:logitraw", "binary:hinge", "count:poisson",
    "multi:softmax", "multi:softprob", "rank:pairwise", "rank:ndcg", "rank:map", "reg:linear",
    "reg:squarederror", "reg:logistic", "reg:gamma", "reg:pseudohubererror", "reg:squaredlogerror",
    "reg:absoluteerror", "reg:tweedie", "survival:aft", "survival:cox",
)  # fmt: skip
_TRUE_FALSE = ("true", "false")
_UNIT = Interval(min_closed=0, max_closed=1)
_FRACTION = Interval(min_open=0, max_closed=1)
_NON_NEGATIVE = Interval(min_closed=0)
_POSITIVE_INT = Interval(min_closed=1)
_UPDATERS_SHOWN = str(
    ["grow_colmaker", "distcol", "grow_histmaker", "grow_skmaker", "sync", "refresh", "prune", "grow_colmaker",
     "distcol", "grow_histmaker", "grow_colmaker", "shotgun", "coord_descent", "refresh", "prune"]
)  # fmt: skip


def _tuning_metric_names() -> list[str]:
    return [f"validation:{m}" for m in _METRICS]


SPECS: tuple[Spec, ...] = (
    Spec("num_round", "int", _POSITIVE_INT, required=True),
    Spec("csv_weights", "int", _UNIT),
    Spec("early_stopping_rounds", "int", _POSITIVE_INT),
    Spec("booster", "str", ["gbtree", "gblinear", "dart"]),
    Spec("verbosity", "int", Interval(min_closed=0, max_closed=3)),
    Spec("nthread", "int", _POSITIVE_INT),
    Spec("eta", "float", _UNIT),
    Spec("gamma", "float", _NON_NEGATIVE),
    Spec("max_depth", "int", _NON_NEGATIVE),
    Spec("min_child_weight", "float", _NON_NEGATIVE),
    Spec("max_delta_step", "float", _NON_NEGATIVE),
    Spec("subsample", "float", _FRACTION),
    Spec("colsample_bytree", "float", _FRACTION),
    Spec("colsample_bylevel", "float", _FRACTION),
    Spec("colsample_bynode", "float", _FRACTION),
    Spec("lambda", "float", _NON_NEGATIVE),
    Spec("alpha", "float", _NON_NEGATIVE),
    Spec("tree_method", "str", ["auto", "exact", "approx", "hist", "gpu_hist"]),
    Spec("sketch_eps", "float", Interval(min_open=0, max_open=1)),
    Spec("scale_pos_weight", "float", Interval(min_open=0)),
    Spec(
        "updater",
        "list",
        lambda v: v in _TREE_UPDATERS or v in _LINEAR_UPDATERS,
        _UPDATERS_SHOWN,
        ("booster", "process_type"),
        _updater_fits_booster,
    ),
    Spec("dsplit", "str", ["row", "col"]),
    Spec("refresh_leaf", "int", _UNIT),
    Spec("process_type", "str", ["default", "update"]),
    Spec("grow_policy", "str", ["depthwise", "lossguide"]),
    Spec("max_leaves", "int", _NON_NEGATIVE),
    Spec("max_bin", "int", _NON_NEGATIVE),
    Spec("predictor", "str", ["auto", "cpu_predictor", "gpu_predictor"]),
    Spec("monotone_constraints", "tuple", [-1, 0, 1], None, ("tree_method",), _monotone_needs_tree_method),
    Spec(
        "interaction_constraints",
        "nested",
        Interval(min_closed=1),
        None,
        ("tree_method",),
        _interaction_needs_tree_method,
    ),
    Spec("sample_type", "str", ["uniform", "weighted"]),
    Spec("normalize_type", "str", ["tree", "forest"]),
    Spec("rate_drop", "float", _UNIT),
    Spec("one_drop", "int", _UNIT),
    Spec("skip_drop", "float", _UNIT),
    Spec("lambda_bias", "float", _UNIT),
    Spec("tweedie_variance_power", "float", Interval(min_open=1, max_open=2)),
    Spec("objective", "str", list(OBJECTIVES), None, ("num_class",), _objective_needs_num_class),
    Spec("num_class", "int", Interval(min_closed=2)),
    Spec("base_score", "float", _NON_NEGATIVE),
    Spec("_kfold", "int", Interval(min_closed=2)),
    Spec("_num_cv_round", "int", _POSITIVE_INT),
    Spec("_tuning_objective_metric", "str", _tuning_metric_names()),
    Spec("eval_metric", "list", _eval_metric_allowed, str(list(_METRICS)), ("objective",), _eval_metric_fits_objective),
    Spec("seed", "int", Interval(min_open=-(2**31), max_open=2**31 - 1)),
    Spec("num_parallel_tree", "int", _POSITIVE_INT),
    Spec("save_model_on_termination", "str", list(_TRUE_FALSE)),
    Spec("aft_loss_distribution", "str", ["normal", "logistic", "extreme"]),
    Spec("aft_loss_distribution_scale", "float", _NON_NEGATIVE),
    Spec("deterministic_histogram", "str", list(_TRUE_FALSE)),
    Spec("sampling_method", "str", ["uniform", "gradient_based"]),
    Spec("prob_buffer_row", "int", Interval(min_open=1.0)),
    Spec("use_dask_gpu_training", "str", list(_TRUE_FALSE)),
)
BY_NAME = {spec.name: spec for spec in SPECS}
ALIASES = {"learning_rate": "eta", "min_split_loss": "gamma", "reg_lambda": "lambda", "reg_alpha": "alpha"}


def _dependency_order(names: Sequence[str]) -> list[str]:
    """Each name after the names it depends on (the toolkit's topological order)."""
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        seen.add(name)
        for dep in BY_NAME[name].depends_on:
            if dep in names and dep not in seen:
                visit(dep)
        ordered.append(name)

    for name in names:
        if name not in seen:
            visit(name)
    return ordered


def validate(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Parsed and checked hyperparameters, or ``AlgorithmUserError`` (see the module docstring)."""
    given = {ALIASES.get(name, name): value for name, value in raw.items()}
    for spec in SPECS:
        if spec.required and spec.name not in given:
            raise AlgorithmUserError(f"Missing required hyperparameter: {spec.name}")
    parsed: dict[str, Any] = {}
    for name, value in given.items():
        found = BY_NAME.get(name)
        if found is None:
            raise AlgorithmUserError(f"Extraneous hyperparameter found: {name}")
        try:
            parsed[name] = found.parse(value)
        except (ValueError, SyntaxError) as exc:
            raise AlgorithmUserError(
                f"Hyperparameter {name}: could not parse value (caused by {type(exc).__name__})"
            ) from exc
    for name, value in parsed.items():
        BY_NAME[name].validate_range(value)
    validated: dict[str, Any] = {}
    for name in _dependency_order(list(parsed)):
        spec = BY_NAME[name]
        if spec.check is not None:
            spec.check(parsed[name], {dep: validated[dep] for dep in spec.depends_on if dep in validated})
        validated[name] = parsed[name]
    return {name: validated[name] for name in parsed}
