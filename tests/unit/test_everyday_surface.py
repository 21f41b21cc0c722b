"""sagemaker.utils / sagemaker.s3 helpers, the v1 predictor style and progress lines (issue 17).

The ``s3_path_join`` table was produced by the official SDK 2.257.7's own function
(side venv) and is checked here against ours.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from typing import Any

import pytest
from support.aws_double import RecordingAWS

from sagemaker_lite import Session, utils
from sagemaker_lite.deserializers import CallableDeserializer, CSVDeserializer, JSONDeserializer
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.estimator import Estimator
from sagemaker_lite.plan import Staged, TrainingPlan
from sagemaker_lite.predictor import Predictor, RealTimePredictor
from sagemaker_lite.progress import Progress, human_bytes, wanted
from sagemaker_lite.s3 import is_s3_url, parse_s3_url, s3_path_join
from sagemaker_lite.serializers import CallableSerializer, CSVSerializer, JSONSerializer
from sagemaker_lite.training import training_job_request

# (args, joined, joined with end slash), as sagemaker.s3_utils.s3_path_join 2.257.7 returns them
OFFICIAL_JOINS: list[tuple[tuple[str | None, ...], str, str]] = [
    (("s3://", "//foo/", "/bar///baz"), "s3://foo/bar/baz", "s3://foo/bar/baz/"),
    (("/foo", "bar/"), "foo/bar", "foo/bar/"),
    (("foo", "", None, "bar"), "foo/bar", "foo/bar/"),
    (("s3://bucket", "a", "b.csv"), "s3://bucket/a/b.csv", "s3://bucket/a/b.csv/"),
    (("s3://bucket/", "/a/", "/b/"), "s3://bucket/a/b", "s3://bucket/a/b/"),
    (("s3://",), "s3://", "s3://"),
    (("",), "", ""),
    (("a//b", "c"), "a/b/c", "a/b/c/"),
    (("s3://bucket//x", "y"), "s3://bucket/x/y", "s3://bucket/x/y/"),
]


@pytest.mark.parametrize(("args", "joined", "with_slash"), OFFICIAL_JOINS)
def test_s3_path_join_matches_the_official_function(args: tuple[str, ...], joined: str, with_slash: str) -> None:
    assert s3_path_join(*args) == joined
    assert s3_path_join(*args, with_end_slash=True) == with_slash


def test_parse_s3_url() -> None:
    assert parse_s3_url("s3://bucket/a/b.csv") == ("bucket", "a/b.csv")
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    assert is_s3_url("s3://b/k") and not is_s3_url("file:///tmp/x")
    for bad in ("https://bucket/key", "s3://", "bucket/key", None, 3):
        with pytest.raises(ValidationError, match="url"):
            parse_s3_url(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # the official SDK raises ValueError; ours is one
        parse_s3_url("gs://bucket/key")


def test_names_from_utils() -> None:
    stamp = utils.sagemaker_timestamp()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}", stamp)
    assert re.fullmatch(r"\d{6}-\d{4}", utils.sagemaker_short_timestamp())
    name = utils.name_from_base("my-job")
    assert name.startswith("my-job-") and utils.base_from_name(name) == "my-job"
    assert len(utils.name_from_base("x" * 100)) == 63
    assert len(utils.name_from_base("x" * 100, max_length=30)) == 30
    unique = {utils.unique_name_from_base("exp") for _ in range(200)}
    # 4 random hex digits, as officially: 200 draws from 65,536 collide a few times at most
    assert len(unique) >= 190
    assert all(re.fullmatch(r"exp-\d{10}-[0-9a-f]{4}", n) for n in unique)
    assert len(utils.unique_name_from_base("y" * 100)) == 63
    assert re.fullmatch(r"base-[0-9a-f-]{36}", utils.unique_name_from_base_uuid4("base"))
    image = "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"
    assert utils.base_name_from_image(image) == "sagemaker-xgboost"
    assert utils.name_from_image(image).startswith("sagemaker-xgboost-")
    assert utils.base_from_name("plain-name") == "plain-name"


def test_small_helpers() -> None:
    assert utils.build_dict("Key", "v") == {"Key": "v"} and utils.build_dict("Key", None) == {}
    config = {"local": {"local_code": True, "container_root": "/tmp"}}
    assert utils.get_config_value("local.local_code", config) is True
    assert utils.get_config_value("local.missing", config) is None
    assert utils.get_config_value("local.local_code.deeper", config) is None
    assert utils.get_config_value("a", None) is None
    assert utils.get_short_version("2.13.1") == "2.13"


@pytest.mark.parametrize(
    "call",
    [
        lambda: utils.name_from_base(None),  # type: ignore[arg-type]
        lambda: utils.name_from_base("x", max_length=0),
        lambda: utils.unique_name_from_base(5),  # type: ignore[arg-type]
        lambda: utils.base_name_from_image(""),
        lambda: utils.get_config_value("", {}),
        lambda: utils.get_short_version(None),  # type: ignore[arg-type]
    ],
)
def test_utils_refuse_bad_arguments(call: Any) -> None:
    with pytest.raises(ValidationError):
        call()


def test_hyperparameters_are_returned_as_given() -> None:
    est = Estimator("img", "arn:aws:iam::123456789012:role/R", 1, "ml.m5.large", hyperparameters={"num_round": 100})
    est.set_hyperparameters(eta=0.2, objective="binary:logistic", layers=[1, 2])
    assert est.hyperparameters() == {"num_round": 100, "eta": 0.2, "objective": "binary:logistic", "layers": [1, 2]}
    plan = TrainingPlan(config=est.config, job_name="job-1", channels=(), region="us-west-2")
    request = training_job_request(plan, Staged(output_path="s3://my-bucket/out/", role_arn=None))
    assert request["HyperParameters"] == {
        "num_round": "100",
        "eta": "0.2",
        "objective": "binary:logistic",
        "layers": "[1, 2]",
    }


class FakeRuntime(RecordingAWS):
    """InvokeEndpoint answered in-process (support.aws_double), always with one body; ``requests``: what was sent."""

    def __init__(self, body: bytes, content_type: str) -> None:
        super().__init__()
        self.on("sagemaker-runtime.InvokeEndpoint", lambda p: {"Body": io.BytesIO(body), "ContentType": content_type})

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.params_of("InvokeEndpoint")


def session_on(runtime: FakeRuntime) -> Session:
    """A Session whose clients reach only ``runtime``."""
    return Session(boto_session=runtime.boto_session())


def test_content_type_and_accept_are_settable_v1_style() -> None:
    runtime = FakeRuntime(b"1,2\n", "text/csv")
    predictor = Predictor("ep", session_on(runtime), serializer=CSVSerializer(), deserializer=JSONDeserializer())
    with pytest.warns(DeprecationWarning, match="content_type"):
        predictor.content_type = "text/plain"
    with pytest.warns(DeprecationWarning, match="accept"):
        predictor.accept = "text/csv"
    predictor.deserializer = CSVDeserializer(accept="text/csv")
    assert predictor.predict([[1, 2]]) == [["1", "2"]]
    request = runtime.requests[-1]
    assert (request["ContentType"], request["Accept"], request["Body"]) == ("text/plain", "text/csv", "1,2")
    with pytest.warns(DeprecationWarning), pytest.raises(ValidationError, match="content_type"):
        predictor.content_type = ""


def test_content_type_on_a_custom_serializer_keeps_its_encoding() -> None:
    class Upper:
        CONTENT_TYPE = "text/x-upper"

        def serialize(self, data: Any) -> str:
            return str(data).upper()

    runtime = FakeRuntime(b"ok", "text/plain")
    predictor = Predictor("ep", session_on(runtime), serializer=Upper())
    with pytest.warns(DeprecationWarning):
        predictor.content_type = "text/plain"
    predictor.predict("abc")
    assert runtime.requests[-1]["Body"] == "ABC" and runtime.requests[-1]["ContentType"] == "text/plain"


def test_plain_functions_as_codecs_are_wrapped() -> None:
    runtime = FakeRuntime(b'{"a": 1}', "application/json")
    with pytest.warns(DeprecationWarning, match="plain function") as record:
        predictor = Predictor(
            "ep",
            session_on(runtime),
            serializer=json.dumps,
            deserializer=lambda stream, content_type: (json.loads(stream.read()), content_type),
        )
    assert all(w.filename == __file__ for w in record)  # the warning points at the caller's line
    assert isinstance(predictor.serializer, CallableSerializer)
    assert isinstance(predictor.deserializer, CallableDeserializer)
    assert predictor.predict({"x": 1}) == ({"a": 1}, "application/json")
    assert runtime.requests[-1]["Body"] == '{"x": 1}'


def test_real_time_predictor_v1_keywords() -> None:
    runtime = FakeRuntime(b"[1]", "application/json")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        predictor = RealTimePredictor(
            endpoint="ep",
            sagemaker_session=session_on(runtime),
            serializer=json.dumps,
            content_type="application/json",
            accept="application/json",
        )
    assert any(issubclass(w.category, DeprecationWarning) for w in record)
    predictor.predict([1])
    assert runtime.requests[-1]["ContentType"] == "application/json"
    assert runtime.requests[-1]["Accept"] == "application/json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        typed = RealTimePredictor("ep", session_on(runtime), serializer=JSONSerializer(), content_type="text/x-json")
    assert typed.content_type == "text/x-json" and isinstance(typed.serializer, JSONSerializer)


def test_serializer_classes_are_still_refused() -> None:
    with pytest.raises(ValidationError, match="serializer"):
        Predictor("ep", serializer=JSONSerializer)  # type: ignore[arg-type]


def test_progress_line_and_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    meter = Progress("upload x", 2_000_000, enabled=True, stream=out)
    meter(1_000_000)
    meter(1_000_000)
    meter.close()
    final = out.getvalue().split("\r")[-1]
    assert final.startswith("upload x  2.0 MB/2.0 MB  100.0%") and final.endswith("\n")
    assert "50.0%" in meter.line() or meter.done == 2_000_000
    quiet = io.StringIO()
    off = Progress("upload y", 10, enabled=False, stream=quiet)
    off(10)
    off.close()
    assert quiet.getvalue() == ""
    assert human_bytes(999) == "999 B" and human_bytes(1536) == "1.5 KB"
    monkeypatch.setenv("SAGEMAKER_LITE_PROGRESS", "0")
    assert wanted(None) is False and wanted(True) is True
    monkeypatch.setenv("SAGEMAKER_LITE_PROGRESS", "1")
    assert wanted(None) is True and wanted(False) is False
    monkeypatch.delenv("SAGEMAKER_LITE_PROGRESS")
    assert wanted(None) is False  # pytest's stderr is not a terminal


def test_packing_shows_progress_when_asked(tmp_path: Any, capsys: Any) -> None:
    from sagemaker_lite.code import pack_source

    source = tmp_path / "src"
    source.mkdir()
    (source / "train.py").write_text("print('x')\n" * 1000)
    pack_source("train.py", str(source), progress=True)
    err = capsys.readouterr().err
    assert "pack sourcedir.tar.gz" in err and "100.0%" in err
    pack_source("train.py", str(source))
    assert capsys.readouterr().err == ""


def test_huggingface_llm_image_uri_matches_the_official_function() -> None:
    """Values returned by the official SDK 2.257.7's get_huggingface_llm_image_uri (side venv)."""
    from sagemaker_lite.huggingface import get_huggingface_llm_image_uri

    assert get_huggingface_llm_image_uri("huggingface", region="us-west-2", version="2.0.0") == (
        "763104351884.dkr.ecr.us-west-2.amazonaws.com/"
        "huggingface-pytorch-tgi-inference:2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04"
    )
    assert get_huggingface_llm_image_uri("huggingface-tei", region="us-west-2") == (
        "246618743249.dkr.ecr.us-west-2.amazonaws.com/tei:2.0.1-tei1.8.2-gpu-py310-cu122-ubuntu22.04"
    )
    latest = get_huggingface_llm_image_uri("huggingface", region="us-west-2")
    assert "tgi3.3.6" in latest  # the newest version the registry lists
    with pytest.raises(ValidationError, match="backend"):
        get_huggingface_llm_image_uri("tgi", region="us-west-2")


def test_everyday_top_level_and_module_names() -> None:
    import sagemaker_lite
    from sagemaker_lite.analytics import TrainingJobAnalytics
    from sagemaker_lite.processing import ScriptProcessor as Plain
    from sagemaker_lite.sklearn.processing import ScriptProcessor

    assert sagemaker_lite.TrainingJobAnalytics is TrainingJobAnalytics
    assert ScriptProcessor is Plain
