"""Issue 12's properties: one seam, keywords anyone can discover, limits read from the service model."""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest

from sagemaker_lite.compat import ESTIMATOR_RENAMES, MODEL_RENAMES
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.framework import Framework
from sagemaker_lite.model import Model
from sagemaker_lite.tensorflow import TensorFlow, TensorFlowModel

PACKAGE = Path(__file__).resolve().parents[2] / "sagemaker_lite"
#: modules allowed to know about local mode: the Session, the backend seam, and local/ itself
SEAM = re.compile(r"^(session\.py|backend\.py|local/)")
LOCAL_TEST = re.compile(r"is_local|local_mode|instance_type\s*==\s*[\"']local")
IMAGE = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"


def test_nothing_outside_the_seam_asks_whether_it_runs_locally() -> None:
    """The grep of the issue's Done-when, as a test: every difference is a Session method."""
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not SEAM.match(path.relative_to(PACKAGE).as_posix())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LOCAL_TEST.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("cls", [Estimator, Framework, TensorFlow, Model, TensorFlowModel])
def test_signature_lists_every_keyword(cls: type) -> None:
    parameters = inspect.signature(cls).parameters
    config_fields = {field.alias or field.name for field in attrs.fields(cls._config_class) if field.init}  # type: ignore[attr-defined]
    assert config_fields <= set(parameters), sorted(config_fields - set(parameters))
    assert "sagemaker_session" in parameters
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def test_signature_defaults_are_the_real_defaults() -> None:
    parameters = inspect.signature(Estimator).parameters
    assert parameters["volume_size"].default == 30 and parameters["max_run"].default == 24 * 60 * 60
    assert parameters["instance_type"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameters["output_path"].kind is inspect.Parameter.KEYWORD_ONLY


def estimator(**kwargs: Any) -> Estimator:
    return Estimator(IMAGE, ROLE, 1, "ml.m5.large", **kwargs)


def test_keep_alive_bound_comes_from_the_service_model() -> None:
    assert estimator(keep_alive_period_in_seconds=21600).keep_alive_period_in_seconds == 21600
    with pytest.raises(ValidationError) as info:
        estimator(keep_alive_period_in_seconds=21601)
    assert info.value.parameter == "keep_alive_period_in_seconds"
    assert "between 0 and 21600" in str(info.value)
    assert "ResourceConfig.KeepAlivePeriodInSeconds" in str(info.value)


def _make(cls: type, keyword: str) -> Any:
    if cls is Model:
        return Model(IMAGE, "s3://bucket/model.tar.gz", ROLE, **{keyword: "x"})
    if cls is Estimator:
        return estimator(**{keyword: {"mpi": {"enabled": True}}})
    return TensorFlow(
        entry_point="train.py",
        framework_version="2.13",
        py_version="py310",
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.large",
        **{keyword: {"mpi": {"enabled": True}}},
    )


@pytest.mark.parametrize(
    ("cls", "old", "new"),
    [(c, old, new) for c in (Estimator, TensorFlow) for old, new in ESTIMATOR_RENAMES.items()]
    + [(Model, old, new) for old, new in MODEL_RENAMES.items() if old != new],
)
def test_the_rename_table_never_suggests_a_keyword_it_refuses(cls: type, old: str, new: str) -> None:
    if new in inspect.signature(cls).parameters:
        return  # the v2 name is taken: the warning's advice works
    with warnings.catch_warnings(record=True) as caught, pytest.raises(ValidationError) as info:
        warnings.simplefilter("always")
        _make(cls, old)
    assert info.value.parameter == old
    assert not [w for w in caught if new in str(w.message)]


def test_estimator_refuses_v1_distributions_without_suggesting_distribution() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValidationError) as info:
            estimator(distributions={"mpi": {"enabled": True}})
    assert info.value.parameter == "distributions"


def test_get_execution_role_refuses_use_default_instead_of_ignoring_it() -> None:
    from sagemaker_lite.session import get_execution_role

    with pytest.raises(ValidationError) as info:
        get_execution_role(use_default=True)
    assert info.value.parameter == "use_default"


def test_disable_local_code_uploads_the_code_as_officially(tmp_path: Path) -> None:
    from sagemaker_lite.local import LocalSession

    (tmp_path / "train.py").write_text("print('hi')\n")
    in_place = LocalSession(root=tmp_path / "root").code_in_place("train.py", str(tmp_path), ())
    assert in_place == tmp_path.resolve().as_uri()
    disabled = LocalSession(root=tmp_path / "root", disable_local_code=True)
    assert disabled.code_in_place("train.py", str(tmp_path), ()) is None
    assert disabled.planned_code_in_place("train.py", str(tmp_path)) is None


def test_a_local_session_answers_every_seam_question_without_aws(tmp_path: Path) -> None:
    from sagemaker_lite.local import LocalSession

    session = LocalSession(root=tmp_path / "root")
    session.check_instance_type("instance_type", "local_gpu")
    session.check_location("output_path", "file:///tmp/out")
    session.check_role(None, "")
    assert session.expand_role("MyRole") == "arn:aws:iam::000000000000:role/MyRole"
    assert session.console_url("/jobs/x") == "" and session.cloudwatch_url("/aws/sagemaker/TrainingJobs", "x") == ""
    nothing_asked = {
        "region": "us-west-2",
        "output_path": "file:///tmp/out",
        "debugger_hook_config": None,
        "disable_profiler": False,
        "rules": None,
        "tensorboard_output_config": None,
        "profiler_config": None,
        "instance_type": "local",
        "job_name": "job",
        "rule_sources": {},
    }
    assert session.debugger_fields(**nothing_asked) == {}  # no default hook or profiler locally


def test_the_hosted_session_refuses_what_only_local_mode_takes() -> None:
    from sagemaker_lite import Session
    from sagemaker_lite.errors import LocalModeError

    session = Session(region_name="us-west-2")
    with pytest.raises(LocalModeError):
        session.check_instance_type("instance_type", "local")
    with pytest.raises(ValidationError):
        session.check_location("output_path", "file:///tmp/out")
    with pytest.raises(ValidationError):
        session.check_role(None, "")
    assert session.expand_role("arn:aws:iam::123456789012:role/R") == "arn:aws:iam::123456789012:role/R"
    assert session.console_url("/jobs/x").startswith("https://")
