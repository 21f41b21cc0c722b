"""Framework processors: your script, with a framework image, ``source_dir`` and requirements.txt.

    from sagemaker_lite.processing import FrameworkProcessor
    from sagemaker_lite.pytorch.processing import PyTorchProcessor
    from sagemaker_lite.sklearn.processing import SKLearnProcessor

    PyTorchProcessor(framework_version="2.1", py_version="py310", role=role,
                     instance_type="ml.m5.xlarge", instance_count=1).run(
        code="prep.py", source_dir="src", inputs=[...], outputs=[...])
    SKLearnProcessor(framework_version="1.2-1", role=role, instance_type="ml.m5.xlarge",
                     instance_count=1).run(code="preprocess.py", inputs=[...], outputs=[...])

A framework processor runs the framework's training image. ``FrameworkProcessor``
packs ``source_dir`` (or the single script) into ``sourcedir.tar.gz`` with the same
deterministic packer and digest reuse as estimators, stages it with ``runproc.sh`` at
``<code_location or default>/<job>/source/``, and runs ``/bin/bash runproc.sh``, which
unpacks the code, installs ``requirements.txt`` and runs ``command + [code]``. That
script is ours (same steps and paths as the official one, our own text), so its bytes
differ from the official upload; docs/compatibility.md says so. ``SKLearnProcessor``
is a ``ScriptProcessor`` on the scikit-learn image, as officially.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from .._validation import fail
from .io import ProcessingInput, ProcessingOutput
from .job import ProcessingJob
from .processor import CODE_INPUT_NAME, Processor, ScriptProcessor
from .staging import join_uri

ENTRYPOINT_INPUT_NAME = "entrypoint"
ENTRYPOINT_CONTAINER_DIR = "/opt/ml/processing/input/entrypoint"
#: the official code input's LocalPath keeps its trailing slash; the request must match
FRAMEWORK_CODE_DIR = "/opt/ml/processing/input/code/"
RUNPROC = "runproc.sh"
SOURCE_ARCHIVE = "sourcedir.tar.gz"

#: estimator class name -> image registry framework, for ``FrameworkProcessor(estimator_cls=...)``
_FRAMEWORKS = {
    "PyTorch": "pytorch",
    "TensorFlow": "tensorflow",
    "SKLearn": "sklearn",
    "XGBoost": "xgboost",
    "HuggingFace": "huggingface",
    "MXNet": "mxnet",
}


def runproc_script(command: Sequence[str], code: str) -> str:
    """The container entry point: unpack the code, install requirements.txt, run ``command code "$@"``."""
    import shlex

    run = " ".join([*(shlex.quote(part) for part in command), shlex.quote(code)])
    return (
        "#!/bin/bash\n"
        "# Staged by sagemaker_lite's FrameworkProcessor: unpack the code, install its requirements, run it.\n"
        "set -e\n"
        f"cd {FRAMEWORK_CODE_DIR}\n"
        f"tar -xzf {SOURCE_ARCHIVE}\n"
        "if [[ -f requirements.txt ]]; then\n"
        "    python -m pip install -r requirements.txt\n"
        "fi\n"
        f'{run} "$@"\n'
    )


def _framework_of(estimator_cls: Any) -> str:
    declared = getattr(estimator_cls, "_framework_name", None) or getattr(estimator_cls, "FRAMEWORK_NAME", None)
    if isinstance(declared, str):
        return declared
    if isinstance(estimator_cls, str) and estimator_cls in _FRAMEWORKS.values():
        return estimator_cls
    name = getattr(estimator_cls, "__name__", None)
    if name in _FRAMEWORKS:
        return _FRAMEWORKS[str(name)]
    fail(
        "estimator_cls",
        estimator_cls,
        "a framework estimator class (PyTorch, TensorFlow, SKLearn, XGBoost, HuggingFace) or its framework name",
    )
    return ""  # pragma: no cover - fail raises


def _image(framework: str, region: str, version: str, py_version: str | None, instance_type: str | None) -> str:
    from ..image_uris import retrieve

    hosted_type = None if instance_type in ("local", "local_gpu") else instance_type
    return retrieve(
        framework, region, version, py_version=py_version, instance_type=hosted_type, image_scope="training"
    )


class FrameworkProcessor(Processor):
    """Run ``code`` from ``source_dir`` on a framework's image (``PyTorchProcessor`` and friends set the framework)."""

    #: the framework this processor's image comes from (subclasses declare it)
    framework: ClassVar[str | None] = None

    def __init__(
        self,
        estimator_cls: Any = None,
        framework_version: str | None = None,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        py_version: str | None = "py3",
        image_uri: str | None = None,
        command: Sequence[str] | None = None,
        code_location: str | None = None,
        **settings: Any,
    ) -> None:
        framework = self.framework or _framework_of(estimator_cls)
        if image_uri is None and not isinstance(framework_version, str):
            fail("framework_version", framework_version, f"a {framework} version, e.g. the one you train with")
        self.__dict__["framework_name"] = framework
        self.__dict__["framework_version"] = framework_version
        self.__dict__["py_version"] = py_version
        settings.setdefault("base_job_name", None)
        super().__init__(role, image_uri, instance_count, instance_type, **settings)
        self.__dict__["_config"] = attrs.evolve(
            self._config, command=list(command) if command else ["python"], code_location=code_location
        )

    def _check_ready(self) -> None:
        if self._config.image_uri is None:
            region = self.sagemaker_session.boto_region_name
            image = _image(
                self.framework_name, region, self.framework_version, self.py_version, self._config.instance_type
            )
            self.__dict__["_config"] = attrs.evolve(self._config, image_uri=image)
        super()._check_ready()

    def run(  # type: ignore[override]
        self,
        code: str,
        source_dir: str | None = None,
        dependencies: Sequence[str] | None = None,
        git_config: Any = None,
        inputs: Sequence[ProcessingInput] | None = None,
        outputs: Sequence[ProcessingOutput] | None = None,
        arguments: Sequence[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: Any = None,
        kms_key: str | None = None,
    ) -> ProcessingJob:
        """Pack ``source_dir`` (or ``code`` alone), stage it with ``runproc.sh``, run ``code``; returns the job."""
        if git_config is not None:
            fail("git_config", git_config, "None: clone the repository and pass source_dir (git is not run here)")
        return self._run(
            code,
            inputs,
            outputs,
            arguments,
            wait,
            logs,
            job_name,
            experiment_config,
            kms_key,
            source_dir=source_dir,
            dependencies=list(dependencies or []),
        )

    def _check_code(self, code: str | None, **options: Any) -> None:
        if not isinstance(code, (str, os.PathLike)) or not str(code):
            fail("code", code, "the entry point script, relative to source_dir when one is given")
        source_dir = options.get("source_dir")
        if source_dir is not None and not isinstance(source_dir, (str, os.PathLike)):
            fail("source_dir", source_dir, "a local directory, or an s3:// URI of a sourcedir.tar.gz")
        if source_dir is None or not str(source_dir).startswith("s3://"):
            from ..code import pack_source

            # packs into a throwaway directory: every path and exclusion is checked before staging
            archive = pack_source(str(code), source_dir, options.get("dependencies") or ())
            self.__dict__["_archive"] = archive

    def _stage_code(
        self, code: str | None, job_name: str, stager: Any, **options: Any
    ) -> tuple[list[dict[str, Any]], list[str] | None]:
        base = self._config.code_location or stager.default_base()
        prefix = join_uri(base, job_name, "source")
        source_dir = options.get("source_dir")
        if source_dir is not None and str(source_dir).startswith("s3://"):
            archive_uri = str(source_dir)
        else:
            archive_uri = stager.archive(self.__dict__["_archive"], join_uri(prefix, SOURCE_ARCHIVE))
        script_name = Path(str(code)).as_posix() if source_dir else Path(str(code)).name
        script = runproc_script(self._config.command or ["python"], script_name)
        runproc_uri = stager.text(script, join_uri(prefix, RUNPROC))
        code_input = ProcessingInput(source=archive_uri, destination=FRAMEWORK_CODE_DIR, input_name=CODE_INPUT_NAME)
        entry_input = ProcessingInput(
            source=runproc_uri, destination=ENTRYPOINT_CONTAINER_DIR, input_name=ENTRYPOINT_INPUT_NAME
        )
        entries = [code_input.to_request(CODE_INPUT_NAME), entry_input.to_request(ENTRYPOINT_INPUT_NAME)]
        return entries, ["/bin/bash", f"{ENTRYPOINT_CONTAINER_DIR}/{RUNPROC}"]


class PyTorchProcessor(FrameworkProcessor):
    """``PyTorchProcessor(framework_version="2.1", py_version="py310", role=..., instance_type=...)``."""

    framework = "pytorch"

    def __init__(self, framework_version: str | None = None, role: str | None = None, **settings: Any) -> None:
        super().__init__(None, framework_version, role, **settings)


class TensorFlowProcessor(FrameworkProcessor):
    """``TensorFlowProcessor(framework_version="2.13", py_version="py310", role=..., ...)``."""

    framework = "tensorflow"

    def __init__(self, framework_version: str | None = None, role: str | None = None, **settings: Any) -> None:
        super().__init__(None, framework_version, role, **settings)


class XGBoostProcessor(FrameworkProcessor):
    """``XGBoostProcessor(framework_version="1.7-1", role=..., instance_type=..., instance_count=1)``."""

    framework = "xgboost"

    def __init__(self, framework_version: str | None = None, role: str | None = None, **settings: Any) -> None:
        settings.setdefault("py_version", "py3")
        super().__init__(None, framework_version, role, **settings)


class SKLearnProcessor(ScriptProcessor):
    """``SKLearnProcessor(framework_version="1.2-1", role=..., instance_type=..., instance_count=1)``.

    A ``ScriptProcessor`` on the scikit-learn image with ``command=["python3"]``, as officially.
    """

    def __init__(
        self,
        framework_version: str | None = None,
        role: str | None = None,
        instance_type: str | None = None,
        instance_count: int | None = None,
        command: Sequence[str] | None = None,
        py_version: str = "py3",
        image_uri: str | None = None,
        **settings: Any,
    ) -> None:
        if image_uri is None and not isinstance(framework_version, str):
            fail("framework_version", framework_version, "a scikit-learn container version such as '1.2-1'")
        self.__dict__["framework_version"] = framework_version
        self.__dict__["py_version"] = py_version
        settings.setdefault("base_job_name", None)
        super().__init__(role, image_uri, command or ["python3"], instance_count, instance_type, **settings)

    def _check_ready(self) -> None:
        if self._config.image_uri is None:
            region = self.sagemaker_session.boto_region_name
            image = _image("sklearn", region, self.framework_version, self.py_version, self._config.instance_type)
            self.__dict__["_config"] = attrs.evolve(self._config, image_uri=image)
        super()._check_ready()
