"""Processor and ScriptProcessor: run a container (or a script in one) over data, hosted or local.

    from sagemaker_lite.processing import ProcessingInput, ProcessingOutput, ScriptProcessor

    processor = ScriptProcessor(command=["python3"], image_uri=image, role=role,
                                instance_count=1, instance_type="ml.m5.xlarge")
    processor.run(code="preprocess.py",
                  inputs=[ProcessingInput(source="s3://bucket/raw", destination="/opt/ml/processing/input")],
                  outputs=[ProcessingOutput(source="/opt/ml/processing/train", output_name="train")],
                  arguments=["--split", "0.2"])
    processor.latest_job.describe()

A run goes plan -> stage -> build -> submit: arguments are checked first (nothing is
uploaded for a bad call), then one staging step uploads the code and local inputs,
then ``request.build_processing_request`` writes the whole request, then it is sent.
``instance_type="local"`` uses a ``LocalSession``, whose backend runs the job on this
machine; nothing here branches on it. Default locations come from the Session
(``default_output_prefix``): ``s3://<default bucket>/<job>/...`` hosted, a local folder
in local mode, so local mode touches no AWS unless you name an ``s3://`` location.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from .._configured import ConfigBacked
from .._validation import check_job_name, fail
from ..jobs import create_or_adopt
from ..naming import base_name_from_image, name_from_base
from .io import ProcessingInput, ProcessingOutput
from .job import ProcessingJob
from .request import ProcessorConfig, build_processing_request
from .staging import Stager, join_uri

CODE_INPUT_NAME = "code"
CODE_CONTAINER_DIR = "/opt/ml/processing/input/code"


class Processor(ConfigBacked):
    """Run any image as a processing job: ``Processor(role, image_uri, 1, "ml.m5.xlarge", entrypoint=[...])``."""

    _config_class: ClassVar[type[ProcessorConfig]] = ProcessorConfig
    _config: ProcessorConfig
    #: base of generated job names when neither base_job_name nor the image names one
    DEFAULT_BASE_NAME: ClassVar[str] = "Processing"

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        *,
        entrypoint: Sequence[str] | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Any = None,
        env: Mapping[str, str] | None = None,
        tags: Any = None,
        network_config: Any = None,
    ) -> None:
        self._set_config(
            {
                "role": role,
                "image_uri": image_uri,
                "instance_count": instance_count,
                "instance_type": instance_type,
                "entrypoint": entrypoint,
                "volume_size_in_gb": volume_size_in_gb,
                "volume_kms_key": volume_kms_key,
                "output_kms_key": output_kms_key,
                "max_runtime_in_seconds": max_runtime_in_seconds,
                "base_job_name": base_job_name,
                "env": dict(env) if isinstance(env, Mapping) else env,
                "tags": tags,
                "network_config": network_config,
            },
            sagemaker_session,
        )
        self.__dict__["jobs"] = []
        self.__dict__["latest_job"] = None
        self.__dict__["_current_job_name"] = None

    def _default_session(self) -> Any:
        from ..session import session_for_instance_type

        return session_for_instance_type(self._config.instance_type)

    # --- run ---------------------------------------------------------------------------

    def _check_ready(self) -> None:
        config = self._config
        for name in ("role", "image_uri", "instance_type"):
            if getattr(config, name) is None:
                fail(name, None, f"a value: {type(self).__name__} needs {name} to run")

    def _job_name(self, job_name: str | None) -> str:
        if job_name is not None:
            check_job_name("job_name", job_name)
            return job_name
        base = self._config.base_job_name or base_name_from_image(self._config.image_uri, self.DEFAULT_BASE_NAME)
        return name_from_base(base)

    @staticmethod
    def _check_list(parameter: str, value: Any, kind: type) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            fail(parameter, value, f"a list of {kind.__name__}")
        for item in value:
            if not isinstance(item, kind):
                fail(parameter, value, f"a list of {kind.__name__}", hint=f"{item!r} is not one")
        return list(value)

    @staticmethod
    def _check_arguments(arguments: Any) -> list[str] | None:
        if arguments is None:
            return None
        if isinstance(arguments, str) or not isinstance(arguments, (list, tuple)):
            fail("arguments", arguments, "a list of strings, e.g. ['--split', '0.2']")
        if not all(isinstance(a, str) for a in arguments):
            fail("arguments", arguments, "a list of strings (convert numbers with str())")
        return list(arguments)

    def run(
        self,
        inputs: Sequence[ProcessingInput] | None = None,
        outputs: Sequence[ProcessingOutput] | None = None,
        arguments: Sequence[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: Mapping[str, str] | None = None,
        kms_key: str | None = None,
    ) -> ProcessingJob:
        """Create the processing job (and wait for it unless ``wait=False``); returns its handle."""
        return self._run(None, inputs, outputs, arguments, wait, logs, job_name, experiment_config, kms_key)

    def _run(
        self,
        code: str | None,
        inputs: Any,
        outputs: Any,
        arguments: Any,
        wait: bool,
        logs: bool,
        job_name: str | None,
        experiment_config: Any,
        kms_key: str | None,
        **code_options: Any,
    ) -> ProcessingJob:
        # plan: everything checked before any upload or call
        self._check_ready()
        user_inputs = self._check_list("inputs", inputs, ProcessingInput)
        user_outputs = self._check_list("outputs", outputs, ProcessingOutput)
        argv = self._check_arguments(arguments)
        for parameter, flag in (("wait", wait), ("logs", logs)):
            if not isinstance(flag, bool):
                fail(parameter, flag, "True or False")
        if experiment_config is not None and not isinstance(experiment_config, Mapping):
            fail("experiment_config", experiment_config, "a dict such as {'ExperimentName': 'my-experiment'}")
        for item in user_inputs:
            if item.needs_staging and not Path(str(item.source)).exists():
                fail("source", item.source, "an existing local file or directory, or an s3:// URI")
        self._check_code(code, **code_options)
        try:
            job = self._submit(
                job_name, user_inputs, user_outputs, argv, experiment_config, kms_key, code, code_options
            )
        finally:
            archive = self.__dict__.pop("_archive", None)  # a framework processor's packed code
            if archive is not None:
                shutil.rmtree(archive.path.parent, ignore_errors=True)
        name = job.job_name
        self.__dict__["_current_job_name"] = name
        self.jobs.append(job)
        self.__dict__["latest_job"] = job
        if wait:
            job.wait(logs=logs)
        return job

    def _submit(
        self,
        job_name: str | None,
        user_inputs: list[ProcessingInput],
        user_outputs: list[ProcessingOutput],
        argv: list[str] | None,
        experiment_config: Any,
        kms_key: str | None,
        code: str | None,
        code_options: dict[str, Any],
    ) -> ProcessingJob:
        """Check the planned request, stage, build, check again (staged values), create."""
        name = self._job_name(job_name)
        session = self.sagemaker_session
        args = (name, user_inputs, user_outputs, argv, experiment_config, kms_key, code, code_options)
        # the service's limits are checked before anything is staged, with planned locations
        session.check_request("CreateProcessingJob", self._request(*args, planned=True))
        request = self._request(*args, planned=False)
        session.check_request("CreateProcessingJob", request)
        outputs = (request.get("ProcessingOutputConfig") or {}).get("Outputs") or []
        job = ProcessingJob(
            session,
            name,
            [ProcessingInput.from_request(e) for e in request.get("ProcessingInputs") or []],
            [ProcessingOutput.from_request(e) for e in outputs],
        )
        # a retry of our own create whose answer was lost finds the job: adopted, not an error
        create_or_adopt(
            session.sagemaker_client.create_processing_job, request, job.describe, required=("AppSpecification",)
        )
        return job

    def _request(
        self,
        name: str,
        user_inputs: list[ProcessingInput],
        user_outputs: list[ProcessingOutput],
        argv: list[str] | None,
        experiment_config: Any,
        kms_key: str | None,
        code: str | None,
        code_options: dict[str, Any],
        *,
        planned: bool,
    ) -> dict[str, Any]:
        """Stage (or, ``planned``, only work out where staging would put things) and build the request."""
        session = self.sagemaker_session
        stager = Stager(session, kms_key, planned=planned)
        input_entries: list[dict[str, Any]] = []
        for index, item in enumerate(user_inputs, start=1):
            input_name = item.input_name or f"input-{index}"
            uri = None
            if item.needs_staging:
                uri = stager.path(str(item.source), join_uri(stager.default_base(), name, "input", input_name))
            input_entries.append(item.to_request(input_name, uri))
        code_inputs, entrypoint = self._stage_code(code, name, stager, **code_options)
        input_entries.extend(code_inputs)
        output_entries = []
        for index, out in enumerate(user_outputs, start=1):
            output_name = out.output_name or f"output-{index}"
            destination = out.destination or join_uri(stager.default_base(), name, "output", output_name)
            output_entries.append(out.to_request(output_name, destination))
        request = build_processing_request(
            self._config,
            job_name=name,
            inputs=input_entries,
            outputs=output_entries,
            entrypoint=entrypoint,
            arguments=argv,
            experiment_config=experiment_config,
        )
        role = request.get("RoleArn")
        if role and not role.startswith("arn:"):
            request["RoleArn"] = "arn:aws:iam::000000000000:role/" + role if planned else session.expand_role(role)
        return request

    # --- code hooks (ScriptProcessor, FrameworkProcessor) ----------------------------

    def _check_code(self, code: str | None, **options: Any) -> None:
        """Hook: check the code arguments before anything is staged."""

    def _stage_code(
        self, code: str | None, job_name: str, stager: Stager, **options: Any
    ) -> tuple[list[dict[str, Any]], list[str] | None]:
        """Hook: stage code; returns the extra inputs and the container entrypoint."""
        return [], self._config.entrypoint

    @classmethod
    def attach(cls, processing_job_name: str, sagemaker_session: Any = None) -> Processor:
        """A processor with an existing job's settings; ``latest_job`` is that job."""
        from .request import config_kwargs_from_description

        job = ProcessingJob.attach(processing_job_name, sagemaker_session)
        settings = {k: val for k, val in config_kwargs_from_description(job.describe()).items() if val is not None}
        processor = Processor(sagemaker_session=job.sagemaker_session, **settings)
        processor.jobs.append(job)
        processor.__dict__["latest_job"] = job
        return processor


class ScriptProcessor(Processor):
    """Run a script in an image: ``ScriptProcessor(command=["python3"], image_uri=..., role=..., ...)``.

    ``run(code="preprocess.py")`` uploads the script to ``<default location>/<job>/input/code/``
    (or uses an ``s3://`` script as is) and runs ``command + [/opt/ml/processing/input/code/<script>]``.
    """

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        command: Sequence[str] | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        **settings: Any,
    ) -> None:
        if command is None:
            fail("command", None, "the command that runs the script, e.g. ['python3']")
        super().__init__(role, image_uri, instance_count, instance_type, **settings)
        self.__dict__["_config"] = attrs.evolve(self._config, command=command)

    def run(  # type: ignore[override]
        self,
        code: str,
        inputs: Sequence[ProcessingInput] | None = None,
        outputs: Sequence[ProcessingOutput] | None = None,
        arguments: Sequence[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: Mapping[str, str] | None = None,
        kms_key: str | None = None,
    ) -> ProcessingJob:
        """Upload ``code`` and run it over ``inputs``; returns the job's handle."""
        return self._run(code, inputs, outputs, arguments, wait, logs, job_name, experiment_config, kms_key)

    def _check_code(self, code: str | None, **options: Any) -> None:
        if not isinstance(code, (str, os.PathLike)) or not str(code):
            fail("code", code, "the path of a local script, or an s3:// URI of one")
        text = str(code)
        if "://" not in text and not Path(text).is_file():
            fail("code", code, "an existing local script file (or an s3:// URI)")

    def _stage_code(
        self, code: str | None, job_name: str, stager: Stager, **options: Any
    ) -> tuple[list[dict[str, Any]], list[str] | None]:
        text = str(code)
        if text.startswith("s3://"):
            uri = text
        else:
            uri = stager.path(text, join_uri(stager.default_base(), job_name, "input", "code"))
        script = text.rstrip("/").rsplit("/", 1)[-1]
        code_input = ProcessingInput(source=uri, destination=CODE_CONTAINER_DIR, input_name=CODE_INPUT_NAME)
        command = list(self._config.command or [])
        return [code_input.to_request(CODE_INPUT_NAME)], [*command, f"{CODE_CONTAINER_DIR}/{script}"]
