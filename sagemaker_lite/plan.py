"""The frozen job specification (what the user asked for) and the locations staging returned.

    plan = TrainingPlan(config=est.config, job_name="my-job", channels=(), region="us-west-2")
    staged = staging.stage_training(plan, session)         # every upload happens here
    request = training.training_job_request(plan, staged)  # pure: the whole request

(``EstimatorBase.prepare_training_job()`` runs the three steps for an estimator, validation
first, and returns the request without submitting it; ``fit()`` submits it.)

A training job goes plan -> stage -> build -> submit. ``TrainingPlan`` is everything the
estimator decided without I/O (validated settings with the image resolved, the job name,
the channels, the script-mode facts); ``Staged`` is everything staging decided (the output
path with the default bucket, the uploaded code, the rule sources, the role ARN, TensorFlow's
``model_dir``). Both are frozen values: the estimator keeps no per-call state while it
prepares a job, and the same plan gives the same request whether it is staged for real
or only planned (``staging.planned_training`` checks a request before anything is uploaded).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:  # pragma: no cover
    from .training import TrainingConfig


@attrs.frozen(kw_only=True)
class ScriptMode:
    """Script mode's facts: what the container needs to find and run the training script.

    Framework estimators declare the framework part as data (``framework_hyperparameters``:
    distribution flags and the like; ``model_dir_template``: TensorFlow's default model_dir,
    ``{output}`` and ``{job}`` filled in by staging).
    """

    #: sagemaker_program: the entry point relative to the code archive's root
    program: str
    container_log_level: int
    #: True: every hyperparameter JSON-encoded (framework containers decode them); False: the
    #: user's values as the generic Estimator sends them, the reserved ones JSON-encoded
    json_user_values: bool = True
    framework_hyperparameters: Mapping[str, Any] = attrs.field(factory=dict)
    #: an explicit model_dir, sent as is
    model_dir: str | None = None
    #: the default model_dir, e.g. ``"{output}/{job}/model"`` (staging asks the Session for it)
    model_dir_template: str | None = None


@attrs.frozen(kw_only=True)
class TrainingPlan:
    """One CreateTrainingJob, decided: ``config`` has the image the job runs (``image_uri`` set)."""

    config: TrainingConfig
    job_name: str
    channels: tuple[Mapping[str, Any], ...]
    region: str
    experiment_config: Mapping[str, str] | None = None
    script: ScriptMode | None = None


@attrs.frozen(kw_only=True)
class Staged:
    """Where staging put things (or, planned, where it will put them)."""

    output_path: str
    role_arn: str | None
    rule_sources: Mapping[str, str] = attrs.field(factory=dict)
    #: sagemaker_submit_directory: the code archive's URI, or the local code in place
    submit_directory: str | None = None
    model_dir: str | None = None
