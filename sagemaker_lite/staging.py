"""The one I/O step before a training request: output location, code, rule sources, role.

``stage_training(plan, session)`` does every upload and lookup a ``TrainingPlan`` needs and
returns the locations as ``Staged``; ``planned_training(plan, session)`` returns where they
*will* be, without packing, uploading or a bucket lookup, so the whole request can be checked
against the service model before anything leaves the machine. The code steps are script
mode's (``Framework`` and the generic ``Estimator`` with ``entry_point`` share them):
``source_dir`` is packed into ``sourcedir.tar.gz`` and uploaded to
``<code_location or output bucket>/<job>/source/``, unless it is an S3 archive already or
the Session runs the code in place (local mode).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ._warnings import warn_user
from .errors import ValidationError
from .plan import Staged, TrainingPlan
from .script_config import SOURCE_ARCHIVE, FrameworkConfig


def entry_point_in_source(config: FrameworkConfig) -> str:
    """The entry point relative to the archive root, after checking it exists (no I/O but reads)."""
    entry = config.entry_point
    if not entry:
        raise ValidationError("entry_point", entry, "the path of the training script, e.g. 'train.py'")
    if config.source_dir is None:
        if not Path(entry).is_file():
            raise ValidationError("entry_point", entry, "an existing file (relative to the working directory)")
        sibling = Path(entry).resolve().parent / "requirements.txt"
        if sibling.is_file():
            warn_user(
                f"{sibling} will not be installed: without source_dir only the entry point is uploaded. "
                f"Pass source_dir={str(Path(entry).parent)!r} and entry_point={Path(entry).name!r}.",
            )
        return Path(entry).name
    if config.source_dir.startswith("s3://"):
        if not config.source_dir.endswith(".tar.gz"):
            raise ValidationError("source_dir", config.source_dir, "an existing directory or an s3://…tar.gz URI")
        return entry  # the archive is the user's; nothing local to check
    source = Path(config.source_dir)
    if not source.is_dir():
        raise ValidationError("source_dir", config.source_dir, "an existing directory or an s3://…tar.gz URI")
    if (source / entry).is_file():
        relative = entry
    elif Path(entry).is_file() and Path(entry).resolve().is_relative_to(source.resolve()):
        relative = Path(entry).resolve().relative_to(source.resolve()).as_posix()
        warn_user(
            f"entry_point={entry!r} is taken relative to source_dir; using {relative!r}",
        )
    else:
        raise ValidationError(
            "entry_point",
            entry,
            f"a file inside source_dir={config.source_dir!r}",
            hint="the container runs the entry point from the uploaded source_dir",
        )
    if not (source / "requirements.txt").is_file():
        misplaced = sorted(str(p.relative_to(source)) for p in source.rglob("requirements.txt"))
        if misplaced:
            warn_user(
                f"{misplaced[0]} in source_dir will not be installed: the container only installs "
                "requirements.txt at the root of source_dir.",
            )
    for dependency in config.dependencies or []:
        if not Path(dependency).exists():
            raise ValidationError("dependencies", dependency, "existing local directories or files")
    return relative


def program(config: FrameworkConfig) -> str:
    """``sagemaker_program``: the entry point as the container finds it in the code."""
    return entry_point_in_source(config) if config.source_dir else Path(config.entry_point or "").name


def stages_under_job_prefix(config: FrameworkConfig, session: Any) -> bool:
    """``<job>/source/sourcedir.tar.gz`` is written, unless the code is in S3 already or stays local."""
    if config.source_dir and config.source_dir.startswith("s3://"):
        return False
    return bool(config.code_location) or not session.planned_code_in_place(config.entry_point, config.source_dir)


def _code_bucket_and_prefix(config: FrameworkConfig, session: Any, *, planned: bool) -> tuple[str, str]:
    from .session import split_s3_uri

    if config.code_location:
        bucket, prefix = split_s3_uri(config.code_location, "code_location")
        return bucket, prefix.strip("/")
    if config.output_path and config.output_path.startswith("s3://"):
        bucket, _ = split_s3_uri(config.output_path, "output_path")
        return bucket, ""
    if planned:
        from .limits import planned_default_bucket

        return planned_default_bucket(session.boto_region_name), (session.default_bucket_prefix or "").strip("/")
    return session.default_bucket(), session.default_bucket_prefix or ""


def _code_key(prefix: str, job_name: str) -> str:
    return "/".join(part for part in (prefix, job_name, "source", SOURCE_ARCHIVE) if part)


def stage_code(config: FrameworkConfig, session: Any, job_name: str) -> str:
    """Pack and upload the code; returns the ``sagemaker_submit_directory`` value."""
    from . import code

    if config.source_dir and config.source_dir.startswith("s3://"):
        return config.source_dir
    entry = entry_point_in_source(config)
    # pack_source takes the entry point as given when there is no source_dir ("src/train.py")
    source_entry = entry if config.source_dir else config.entry_point or entry
    if not config.code_location:
        in_place = session.code_in_place(source_entry, config.source_dir, config.dependencies or ())
        if in_place is not None:
            return str(in_place)
    bucket, key_prefix = _code_bucket_and_prefix(config, session, planned=False)
    from .progress import wanted

    archive = code.pack_source(
        source_entry,
        config.source_dir,
        config.dependencies or (),
        progress=wanted(getattr(session, "progress", None)),
    )
    try:
        result = code.upload_source(
            session, archive, bucket=bucket, key=_code_key(key_prefix, job_name), kms_key=config.output_kms_key
        )
    finally:
        shutil.rmtree(archive.path.parent, ignore_errors=True)  # reuse needs the digest, not the file
    return str(result.uri)


def planned_code(config: FrameworkConfig, session: Any, job_name: str) -> str:
    """Where ``stage_code`` will put the code, without packing, uploading or a bucket lookup."""
    if config.source_dir and config.source_dir.startswith("s3://"):
        return config.source_dir
    if not config.code_location and (in_place := session.planned_code_in_place(config.entry_point, config.source_dir)):
        return str(in_place)
    bucket, prefix = _code_bucket_and_prefix(config, session, planned=True)
    return f"s3://{bucket}/{_code_key(prefix, job_name)}"


def _model_dir(plan: TrainingPlan, session: Any, output_path: str) -> str | None:
    script = plan.script
    if script is None or script.model_dir is not None:
        return None if script is None else script.model_dir
    if script.model_dir_template is None:
        return None
    default = script.model_dir_template.format(output=output_path.rstrip("/"), job=plan.job_name)
    return str(session.training_model_dir(default))


def stage_training(plan: TrainingPlan, session: Any) -> Staged:
    """Every upload and lookup the job needs, in order: output prefix, code, rule sources, role."""
    config = plan.config
    output_path = config.output_path or session.default_output_prefix() + "/"
    submit = None
    if plan.script is not None and isinstance(config, FrameworkConfig):
        submit = stage_code(config, session, plan.job_name)
    rule_sources: dict[str, str] = session.upload_rule_sources(config.rules)
    role = config.role
    return Staged(
        output_path=output_path,
        role_arn=session.expand_role(role) if role else role,
        rule_sources=rule_sources,
        submit_directory=submit,
        model_dir=_model_dir(plan, session, output_path),
    )


def planned_training(plan: TrainingPlan, session: Any) -> Staged:
    """What ``stage_training`` will return, in the same shape, without any I/O."""
    from .limits import planned_default_bucket  # botocore's model is only needed when checking

    config = plan.config
    output_path = config.output_path or session.planned_output_prefix() + "/"
    submit = None
    if plan.script is not None and isinstance(config, FrameworkConfig):
        submit = planned_code(config, session, plan.job_name)
    bucket = planned_default_bucket(plan.region)
    return Staged(
        output_path=output_path,
        role_arn=session.planned_role_arn(config.role),
        rule_sources={
            rule.local_source: f"s3://{bucket}/{rule.name}/source.py"
            for rule in config.rules or ()
            if rule.local_source is not None
        },
        submit_directory=submit,
        model_dir=_model_dir(plan, session, output_path),
    )
