"""HyperparameterTuner: search an estimator's hyperparameters with a tuning job, hosted or local.

    from sagemaker_lite.tuner import HyperparameterTuner, ContinuousParameter, IntegerParameter

    tuner = HyperparameterTuner(
        xgb,                                   # any estimator; its settings reach every training job
        objective_metric_name="validation:auc",
        hyperparameter_ranges={"eta": ContinuousParameter(0.01, 0.3), "max_depth": IntegerParameter(3, 9)},
        max_jobs=20,
        max_parallel_jobs=4,
    )
    tuner.fit({"train": "s3://bucket/train", "validation": "s3://bucket/validation"})
    predictor = tuner.deploy(1, "ml.m5.large")      # the best training job's model

With ``instance_type="local"`` estimators the same tuner runs on this machine (the local
backend answers CreateHyperParameterTuningJob; see docs/tuning.md). Built-in algorithm
metrics (``validation:auc`` for XGBoost) need no ``metric_definitions``: the algorithm
emits them. Settings are checked when the tuner is made, before anything is uploaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from . import _validation as v
from .errors import ValidationError
from .naming import base_name_from_image, name_from_base
from .parameter import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    ParameterRange,
    check_ranges,
    ranges_request,
)
from .tuning import (
    CLASS_NAME_KEY,
    EARLY_STOPPING_TYPES,
    MODULE_KEY,
    OBJECTIVE_TYPES,
    STRATEGIES,
    TUNING_JOB_NAME_MAX_LENGTH,
    HyperbandStrategyConfig,
    StrategyConfig,
    TuningJobCompletionCriteriaConfig,
    WarmStartConfig,
    WarmStartTypes,
    class_metadata,
    is_framework_estimator,
    merge_tags,
    training_job_definition,
    tuning_job_config,
)
from .tuning_job import TuningJob, TuningJobFailedError

__all__ = [
    "CategoricalParameter",
    "ContinuousParameter",
    "HyperbandStrategyConfig",
    "HyperparameterTuner",
    "IntegerParameter",
    "StrategyConfig",
    "TuningJob",
    "TuningJobCompletionCriteriaConfig",
    "TuningJobFailedError",
    "WarmStartConfig",
    "WarmStartTypes",
]


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"an integer >= {low}" + (f" and <= {high}" if high is not None else "")
        raise ValidationError(name, value, bound)


class HyperparameterTuner:
    """A tuning job over one estimator, or several with ``HyperparameterTuner.create(...)``."""

    TUNING_JOB_NAME_MAX_LENGTH = TUNING_JOB_NAME_MAX_LENGTH
    SAGEMAKER_ESTIMATOR_CLASS_NAME = CLASS_NAME_KEY
    SAGEMAKER_ESTIMATOR_MODULE = MODULE_KEY

    def __init__(
        self,
        estimator: Any,
        objective_metric_name: str,
        hyperparameter_ranges: Mapping[str, ParameterRange],
        metric_definitions: list[dict[str, str]] | None = None,
        strategy: str = "Bayesian",
        objective_type: str = "Maximize",
        max_jobs: int | None = None,
        max_parallel_jobs: int = 1,
        max_runtime_in_seconds: int | None = None,
        tags: Any = None,
        base_tuning_job_name: str | None = None,
        warm_start_config: WarmStartConfig | None = None,
        strategy_config: StrategyConfig | None = None,
        completion_criteria_config: TuningJobCompletionCriteriaConfig | None = None,
        early_stopping_type: str = "Off",
        estimator_name: str | None = None,
        random_seed: int | None = None,
        autotune: bool = False,
        hyperparameters_to_keep_static: list[str] | None = None,
    ) -> None:
        if autotune or hyperparameters_to_keep_static:
            raise ValidationError("autotune", autotune, "False (Autotune is not supported by sagemaker_lite)")
        self._check_estimator("estimator", estimator)
        if not isinstance(objective_metric_name, str) or not objective_metric_name:
            raise ValidationError("objective_metric_name", objective_metric_name, "the name of a metric")
        ranges = check_ranges("hyperparameter_ranges", hyperparameter_ranges)
        v.metric_definitions(None, cast(Any, _Named("metric_definitions")), metric_definitions)
        if estimator_name is not None:
            self.estimator: Any = None
            self.estimator_dict: dict[str, Any] | None = {estimator_name: estimator}
            self.objective_metric_name: str | None = None
            self.objective_metric_name_dict: dict[str, str] | None = {estimator_name: objective_metric_name}
            self._hyperparameter_ranges: dict[str, ParameterRange] | None = None
            self._hyperparameter_ranges_dict: dict[str, dict[str, ParameterRange]] | None = {estimator_name: ranges}
            self.metric_definitions: list[dict[str, str]] | None = None
            self.metric_definitions_dict: dict[str, list[dict[str, str]]] | None = (
                {estimator_name: metric_definitions} if metric_definitions is not None else {}
            )
        else:
            self.estimator = estimator
            self.estimator_dict = None
            self.objective_metric_name = objective_metric_name
            self.objective_metric_name_dict = None
            self._hyperparameter_ranges = ranges
            self._hyperparameter_ranges_dict = None
            self.metric_definitions = metric_definitions
            self.metric_definitions_dict = None
        self._set_settings(
            strategy=strategy,
            objective_type=objective_type,
            max_jobs=max_jobs,
            max_parallel_jobs=max_parallel_jobs,
            max_runtime_in_seconds=max_runtime_in_seconds,
            tags=tags,
            base_tuning_job_name=base_tuning_job_name,
            warm_start_config=warm_start_config,
            strategy_config=strategy_config,
            completion_criteria_config=completion_criteria_config,
            early_stopping_type=early_stopping_type,
            random_seed=random_seed,
        )
        self._current_job_name: str | None = None
        self.latest_tuning_job: TuningJob | None = None

    # --- settings -------------------------------------------------------------------

    @staticmethod
    def _check_estimator(name: str, estimator: Any) -> None:
        if not hasattr(estimator, "prepare_training_job"):
            raise ValidationError(name, estimator, "an estimator (Estimator, TensorFlow, ...)")

    def _set_settings(self, **s: Any) -> None:
        if s["strategy"] not in STRATEGIES:
            raise ValidationError("strategy", s["strategy"], f"one of {', '.join(STRATEGIES)}")
        if s["objective_type"] not in OBJECTIVE_TYPES:
            raise ValidationError("objective_type", s["objective_type"], "'Maximize' or 'Minimize'")
        if s["early_stopping_type"] not in EARLY_STOPPING_TYPES:
            raise ValidationError("early_stopping_type", s["early_stopping_type"], "'Off' or 'Auto'")
        max_jobs = s["max_jobs"]
        if max_jobs is None and s["strategy"] != "Grid":
            max_jobs = 1  # the official default, kept for compatibility
        if max_jobs is not None:
            _check_int("max_jobs", max_jobs, 1)
        _check_int("max_parallel_jobs", s["max_parallel_jobs"], 1)
        if s["max_runtime_in_seconds"] is not None:
            _check_int("max_runtime_in_seconds", s["max_runtime_in_seconds"], 120, 15768000)
        if s["random_seed"] is not None:
            _check_int("random_seed", s["random_seed"], 0)
        if s["strategy"] == "Hyperband" and s["early_stopping_type"] != "Off":
            raise ValidationError(
                "early_stopping_type",
                s["early_stopping_type"],
                "'Off' with strategy='Hyperband' (it stops jobs itself)",
            )
        if s["strategy_config"] is not None and not isinstance(s["strategy_config"], StrategyConfig):
            raise ValidationError("strategy_config", s["strategy_config"], "a StrategyConfig")
        if s["strategy_config"] is not None and s["strategy"] != "Hyperband":
            raise ValidationError("strategy_config", s["strategy_config"], "None unless strategy='Hyperband'")
        for name, kind in (
            ("warm_start_config", WarmStartConfig),
            ("completion_criteria_config", TuningJobCompletionCriteriaConfig),
        ):
            if s[name] is not None and not isinstance(s[name], kind):
                raise ValidationError(name, s[name], f"a {kind.__name__}")
        if s["base_tuning_job_name"] is not None and not isinstance(s["base_tuning_job_name"], str):
            raise ValidationError("base_tuning_job_name", s["base_tuning_job_name"], "a string")
        self.strategy: str = s["strategy"]
        self.objective_type: str = s["objective_type"]
        self.max_jobs: int | None = max_jobs
        self.max_parallel_jobs: int = s["max_parallel_jobs"]
        self.max_runtime_in_seconds: int | None = s["max_runtime_in_seconds"]
        self.tags: list[dict[str, str]] | None = v.normalize_tags(s["tags"])
        self.base_tuning_job_name: str | None = s["base_tuning_job_name"]
        self.warm_start_config: WarmStartConfig | None = s["warm_start_config"]
        self.strategy_config: StrategyConfig | None = s["strategy_config"]
        self.completion_criteria_config: TuningJobCompletionCriteriaConfig | None = s["completion_criteria_config"]
        self.early_stopping_type: str = s["early_stopping_type"]
        self.random_seed: int | None = s["random_seed"]

    def hyperparameter_ranges(self) -> dict[str, Any] | None:
        """The ``ParameterRanges`` request of a one-estimator tuner (None for ``create(...)`` tuners)."""
        if self._hyperparameter_ranges is None:
            return None
        return ranges_request(self._hyperparameter_ranges, json_categoricals=is_framework_estimator(self.estimator))

    def hyperparameter_ranges_dict(self) -> dict[str, dict[str, Any]] | None:
        if self._hyperparameter_ranges_dict is None or self.estimator_dict is None:
            return None
        return {
            name: ranges_request(ranges, json_categoricals=is_framework_estimator(self.estimator_dict[name]))
            for name, ranges in self._hyperparameter_ranges_dict.items()
        }

    def _estimators(self) -> dict[str | None, Any]:
        if self.estimator is not None:
            return {None: self.estimator}
        assert self.estimator_dict is not None
        return {name: self.estimator_dict[name] for name in sorted(self.estimator_dict)}

    def _first_estimator(self) -> Any:
        return next(iter(self._estimators().values()))

    @property
    def sagemaker_session(self) -> Any:
        """The first estimator's Session (the tuning job is created through it)."""
        return self._first_estimator().sagemaker_session

    # --- fit ------------------------------------------------------------------------

    def _job_name(self, job_name: str | None) -> str:
        if job_name is not None:
            v.check_job_name("job_name", job_name)
            if len(job_name) > TUNING_JOB_NAME_MAX_LENGTH:
                raise ValidationError("job_name", job_name, f"at most {TUNING_JOB_NAME_MAX_LENGTH} characters")
            return job_name
        base = self.base_tuning_job_name or base_name_from_image(
            self._first_estimator().training_image_uri(), "training-job"
        )
        return name_from_base(base, max_length=TUNING_JOB_NAME_MAX_LENGTH, short=True)

    def prepare_tuning_job(
        self, inputs: Any = None, job_name: str | None = None, include_cls_metadata: Any = False
    ) -> dict[str, Any]:
        """The whole CreateHyperParameterTuningJob request ``fit`` would send (staging done, nothing created)."""
        name = self._job_name(job_name)
        estimators = self._estimators()
        if self.estimator_dict is not None and inputs is not None and not isinstance(inputs, Mapping):
            raise ValidationError("inputs", inputs, "a dict of estimator name -> that estimator's inputs")
        if isinstance(inputs, Mapping) and self.estimator_dict is not None:
            unknown = set(inputs) - set(self.estimator_dict)
            if unknown:
                raise ValidationError("inputs", sorted(unknown), f"estimator names among {sorted(self.estimator_dict)}")
        definitions = []
        estimator_tags: list[dict[str, str]] = []
        for key, estimator in estimators.items():
            est_inputs = inputs if key is None else (inputs or {}).get(key)
            training_request = estimator.prepare_training_job(est_inputs, job_name=name)
            if not estimator_tags:
                estimator_tags = list(training_request.get("Tags") or [])
            with_meta = (
                include_cls_metadata.get(key, False)
                if isinstance(include_cls_metadata, Mapping)
                else bool(include_cls_metadata)
            )
            ranges = self._hyperparameter_ranges if key is None else self._hyperparameter_ranges_dict[key]  # type: ignore[index]
            metric_definitions = (
                self.metric_definitions if key is None else (self.metric_definitions_dict or {}).get(key)
            )
            definition = training_job_definition(
                training_request,
                tuned=ranges or {},
                metric_definitions=metric_definitions,
                class_meta=class_metadata(type(estimator)) if with_meta or is_framework_estimator(estimator) else None,
            )
            if key is not None:
                assert self.objective_metric_name_dict is not None and ranges is not None
                definition["DefinitionName"] = key
                definition["TuningObjective"] = {
                    "Type": self.objective_type,
                    "MetricName": self.objective_metric_name_dict[key],
                }
                definition["HyperParameterRanges"] = ranges_request(
                    ranges, json_categoricals=is_framework_estimator(estimator)
                )
            definitions.append(definition)
        objective = None
        if self.objective_metric_name is not None:
            objective = {"Type": self.objective_type, "MetricName": self.objective_metric_name}
        request: dict[str, Any] = {
            "HyperParameterTuningJobName": name,
            "HyperParameterTuningJobConfig": tuning_job_config(
                strategy=self.strategy,
                max_jobs=self.max_jobs,
                max_parallel_jobs=self.max_parallel_jobs,
                early_stopping_type=self.early_stopping_type,
                max_runtime_in_seconds=self.max_runtime_in_seconds,
                random_seed=self.random_seed,
                strategy_config=self.strategy_config,
                objective=objective,
                parameter_ranges=self.hyperparameter_ranges(),
                completion_criteria=self.completion_criteria_config,
            ),
        }
        if self.estimator is not None:
            request["TrainingJobDefinition"] = definitions[0]
        else:
            request["TrainingJobDefinitions"] = definitions
        if self.warm_start_config is not None:
            request["WarmStartConfig"] = self.warm_start_config.to_input_req()
        tags = merge_tags(self.tags, estimator_tags)
        if tags:
            request["Tags"] = tags
        return request

    def fit(
        self,
        inputs: Any = None,
        job_name: str | None = None,
        include_cls_metadata: Any = False,
        estimator_kwargs: Mapping[str, Any] | None = None,
        wait: bool = True,
        **kwargs: Any,
    ) -> None:
        """Start the tuning job: ``tuner.fit({"train": ..., "validation": ...})``; waits unless ``wait=False``.

        For a ``create(...)`` tuner, ``inputs`` is a dict of estimator name -> inputs.
        """
        if kwargs or estimator_kwargs:
            raise ValidationError("kwargs", dict(kwargs or estimator_kwargs or {}), "no extra fit() arguments")
        request = self.prepare_tuning_job(inputs, job_name, include_cls_metadata)
        self.latest_tuning_job = TuningJob.start_new(self.sagemaker_session, request)
        self._current_job_name = request["HyperParameterTuningJobName"]
        if wait:
            self.latest_tuning_job.wait()

    # --- after fit --------------------------------------------------------------------

    def _ensure_job(self) -> TuningJob:
        if self.latest_tuning_job is None:
            raise ValidationError("latest_tuning_job", None, "a tuner that has been fit or attached")
        return self.latest_tuning_job

    def wait(self) -> dict[str, Any]:
        """Block until the tuning job ends, printing each finished training job and the best so far."""
        return self._ensure_job().wait()

    def describe(self) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob of the latest tuning job."""
        return self._ensure_job().describe()

    def stop_tuning_job(self) -> None:
        """Stop the latest tuning job (its running training jobs are stopped too)."""
        self._ensure_job().stop()

    def best_training_job(self) -> str:
        """The name of the best training job so far (``ValidationError`` while there is none)."""
        description = self.describe()
        best = description.get("BestTrainingJob") or {}
        if not best:
            raise ValidationError(
                "best_training_job",
                None,
                "a tuning job with at least one completed training job",
                hint=f"tuning job {self._ensure_job().name} is {description.get('HyperParameterTuningJobStatus')}",
            )
        return str(best["TrainingJobName"])

    def best_estimator(self, best_training_job: str | None = None) -> Any:
        """The estimator of the best training job, attached (``.deploy()``, ``.model_data`` work)."""
        definition_name = None
        if best_training_job is None:
            best = self.describe().get("BestTrainingJob") or {}
            name = best.get("TrainingJobName") or self.best_training_job()
            definition_name = best.get("TrainingJobDefinitionName")
        else:
            name = best_training_job
        estimator = self.estimator
        if estimator is None:
            estimator = self._estimators().get(definition_name) or self._first_estimator()
        return type(estimator).attach(name, sagemaker_session=self.sagemaker_session, wait=False)

    def deploy(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        serializer: Any = None,
        deserializer: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Host the best training job's model: ``predictor = tuner.deploy(1, "ml.m5.large")``."""
        return self.best_estimator().deploy(initial_instance_count, instance_type, serializer, deserializer, **kwargs)

    def analytics(self) -> Any:
        """``HyperparameterTuningJobAnalytics`` of the latest tuning job (``.dataframe()`` needs pandas)."""
        from .analytics import HyperparameterTuningJobAnalytics

        return HyperparameterTuningJobAnalytics(self._ensure_job().name, sagemaker_session=self.sagemaker_session)

    # --- attach -----------------------------------------------------------------------

    @classmethod
    def attach(
        cls,
        tuning_job_name: str,
        sagemaker_session: Any = None,
        job_details: Mapping[str, Any] | None = None,
        estimator_cls: Any = None,
    ) -> HyperparameterTuner:
        """Rebuild the tuner of an existing tuning job: ``HyperparameterTuner.attach("xgb-tune-1")``.

        The estimator class comes from ``estimator_cls`` (a class, or a dict per definition name),
        else from the class metadata framework tuning jobs carry, else ``Estimator``; fitting the
        rebuilt tuner again sends the same request.
        """
        from .tuner_attach import tuner_from_description

        v.check_job_name("tuning_job_name", tuning_job_name)
        if sagemaker_session is None:
            from .session import Session

            sagemaker_session = Session()
        job = TuningJob(sagemaker_session, tuning_job_name)
        details = dict(job_details) if job_details is not None else job.describe()
        tuner = tuner_from_description(cls, details, estimator_cls, sagemaker_session)
        tuner._current_job_name = tuning_job_name
        tuner.latest_tuning_job = job
        return tuner

    @classmethod
    def create(
        cls,
        estimator_dict: Mapping[str, Any],
        objective_metric_name_dict: Mapping[str, str],
        hyperparameter_ranges_dict: Mapping[str, Mapping[str, ParameterRange]],
        metric_definitions_dict: Mapping[str, list[dict[str, str]]] | None = None,
        base_tuning_job_name: str | None = None,
        strategy: str = "Bayesian",
        strategy_config: StrategyConfig | None = None,
        completion_criteria_config: TuningJobCompletionCriteriaConfig | None = None,
        objective_type: str = "Maximize",
        max_jobs: int | None = None,
        max_parallel_jobs: int = 1,
        max_runtime_in_seconds: int | None = None,
        tags: Any = None,
        warm_start_config: WarmStartConfig | None = None,
        early_stopping_type: str = "Off",
        random_seed: int | None = None,
        autotune: bool = False,
        hyperparameters_to_keep_static_dict: Any = None,
    ) -> HyperparameterTuner:
        """A tuner over several estimators: ``HyperparameterTuner.create({"xgb": xgb, "tf": tf}, ...)``.

        Every dict is keyed by the same estimator names; each estimator becomes one
        TrainingJobDefinition (``DefinitionName`` = its key) with its own objective and ranges.
        """
        if not isinstance(estimator_dict, Mapping) or not estimator_dict:
            raise ValidationError("estimator_dict", estimator_dict, "a non-empty dict of name -> estimator")
        names = set(estimator_dict)
        for arg, value, required in (
            ("objective_metric_name_dict", objective_metric_name_dict, True),
            ("hyperparameter_ranges_dict", hyperparameter_ranges_dict, True),
            ("metric_definitions_dict", metric_definitions_dict, False),
        ):
            if value is None and not required:
                continue
            if not isinstance(value, Mapping) or (set(value) != names if required else not set(value) <= names):
                expected = "the same keys as" if required else "keys among those of"
                raise ValidationError(arg, value, f"a dict with {expected} estimator_dict ({sorted(names)})")
        first = sorted(names)[0]
        tuner = cls(
            estimator_dict[first],
            objective_metric_name_dict[first],
            hyperparameter_ranges_dict[first],
            (metric_definitions_dict or {}).get(first),
            strategy=strategy,
            objective_type=objective_type,
            max_jobs=max_jobs,
            max_parallel_jobs=max_parallel_jobs,
            max_runtime_in_seconds=max_runtime_in_seconds,
            tags=tags,
            base_tuning_job_name=base_tuning_job_name,
            warm_start_config=warm_start_config,
            strategy_config=strategy_config,
            completion_criteria_config=completion_criteria_config,
            early_stopping_type=early_stopping_type,
            estimator_name=first,
            random_seed=random_seed,
            autotune=autotune,
            hyperparameters_to_keep_static=hyperparameters_to_keep_static_dict,
        )
        for name in sorted(names - {first}):
            cls._check_estimator(f"estimator_dict[{name!r}]", estimator_dict[name])
            assert tuner.estimator_dict is not None and tuner._hyperparameter_ranges_dict is not None
            tuner.estimator_dict[name] = estimator_dict[name]
            tuner.objective_metric_name_dict[name] = objective_metric_name_dict[name]  # type: ignore[index]
            tuner._hyperparameter_ranges_dict[name] = check_ranges(
                f"hyperparameter_ranges_dict[{name!r}]", hyperparameter_ranges_dict[name]
            )
            if metric_definitions_dict and name in metric_definitions_dict:
                tuner.metric_definitions_dict[name] = metric_definitions_dict[name]  # type: ignore[index]
        return tuner

    # --- warm start helpers -----------------------------------------------------------

    def transfer_learning_tuner(self, additional_parents: Any = None, estimator: Any = None) -> HyperparameterTuner:
        """A new tuner warm-started from this one's job with ``TransferLearning``."""
        return self._warm_start_tuner(WarmStartTypes.TRANSFER_LEARNING, additional_parents, estimator)

    def identical_dataset_and_algorithm_tuner(self, additional_parents: Any = None) -> HyperparameterTuner:
        """A new tuner warm-started from this one's job with ``IdenticalDataAndAlgorithm``."""
        return self._warm_start_tuner(WarmStartTypes.IDENTICAL_DATA_AND_ALGORITHM, additional_parents, None)

    def _warm_start_tuner(self, kind: WarmStartTypes, additional: Any, estimator: Any) -> HyperparameterTuner:
        parents = [self._ensure_job().name, *sorted(additional or [])]
        if self.estimator is None:
            raise ValidationError("estimator_dict", self.estimator_dict, "a one-estimator tuner for warm start helpers")
        return type(self)(
            estimator or self.estimator,
            self.objective_metric_name or "",
            self._hyperparameter_ranges or {},
            metric_definitions=self.metric_definitions,
            strategy=self.strategy,
            objective_type=self.objective_type,
            max_jobs=self.max_jobs,
            max_parallel_jobs=self.max_parallel_jobs,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            tags=self.tags,
            base_tuning_job_name=self.base_tuning_job_name,
            warm_start_config=WarmStartConfig(kind, parents),
            strategy_config=self.strategy_config,
            completion_criteria_config=self.completion_criteria_config,
            early_stopping_type=self.early_stopping_type,
            random_seed=self.random_seed,
        )


class _Named:
    """Stands in for an attrs Attribute so the shared attrs validators can check a plain argument."""

    def __init__(self, name: str) -> None:
        self.name = name
