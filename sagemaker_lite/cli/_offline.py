"""Commands that need no AWS account: ``image-uri`` and ``local jobs``.

``image-uri`` reads the image tables shipped with the package and must stay as quick as
``--help``: it never builds a Session, so boto3 is not even imported.
"""

from __future__ import annotations

from typing import Any

from ._context import NO_REGION_HINT, REGION_FLAG, Context, paginate
from ._jobs import job_rows, list_filters


def image_uri(ctx: Context) -> int:
    """``image_uris.retrieve`` with the region from ``--region`` (else the environment)."""
    from ..errors import ConfigurationError
    from ..image_uris import retrieve

    args = ctx.args
    try:
        uri = retrieve(
            args.framework,
            region=args.region,
            version=args.framework_version,
            py_version=args.py_version,
            instance_type=args.instance_type,
            image_scope=args.scope,
            base_framework_version=args.base_framework_version,
        )
    except ConfigurationError as exc:
        if exc.parameter != "region":
            raise
        raise ConfigurationError(REGION_FLAG, NO_REGION_HINT) from exc
    if ctx.out.json_mode:
        ctx.out.emit_json({"ImageUri": uri})
    else:
        ctx.out.line(uri)
    return 0


def local_jobs(ctx: Context) -> int:
    """Local-mode jobs under the local root (``--root``, else ``$SAGEMAKER_LITE_LOCAL_ROOT`` or the cache dir).

    Listed through the local backend's ``list_training_jobs`` (the same filters and order as
    ``jobs list``) so a job that died with its Python process shows as Failed, as it would
    to ``Estimator.attach``; each row adds the directory holding its ``/opt/ml`` trees and logs.
    """
    from ..local import LocalSession
    from ..local.store import jobs_dir

    session = LocalSession(root=ctx.args.root, region_name=ctx.args.region)
    client = session.sagemaker_client
    summaries = paginate(
        session, client.list_training_jobs, "TrainingJobSummaries", ctx.args.max, **list_filters(ctx.args)
    )
    base = jobs_dir(session.root)
    records: list[dict[str, Any]] = [{**s, "JobDirectory": str(base / str(s["TrainingJobName"]))} for s in summaries]
    if ctx.out.json_mode:
        ctx.out.emit_json(records)
        return 0
    rows = [[*row, record["JobDirectory"]] for row, record in zip(job_rows(records), records, strict=True)]
    ctx.out.table(
        ["NAME", "STATUS", "CREATED", "ENDED", "DIRECTORY"], rows, empty=f"No local training jobs under {base}."
    )
    return 0
