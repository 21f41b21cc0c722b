"""``sagemaker-lite endpoints ...``: list, describe and delete real-time endpoints.

Deleting goes through ``endpoints.delete_hosting_resources`` (what ``Predictor.delete_endpoint``
uses), so the CLI and the SDK remove the same resources in the same order and treat
"already gone" the same way.
"""

from __future__ import annotations

from typing import Any

from ._context import Context, paginate
from ._output import format_time, without_metadata

ENDPOINT_STATUSES = (
    "OutOfService",
    "Creating",
    "Updating",
    "SystemUpdating",
    "RollingBack",
    "InService",
    "Deleting",
    "Failed",
    "UpdateRollbackFailed",
)


def list_endpoints(ctx: Context) -> int:
    params: dict[str, Any] = {"SortBy": "CreationTime", "SortOrder": "Descending"}
    if ctx.args.status:
        params["StatusEquals"] = ctx.args.status
    if ctx.args.name_contains:
        params["NameContains"] = ctx.args.name_contains
    session = ctx.session
    summaries = paginate(session, session.sagemaker_client.list_endpoints, "Endpoints", ctx.args.max, **params)
    if ctx.out.json_mode:
        ctx.out.emit_json(summaries)
        return 0
    rows = [
        [
            str(s.get("EndpointName", "")),
            str(s.get("EndpointStatus", "")),
            format_time(s.get("CreationTime")),
            format_time(s.get("LastModifiedTime")),
        ]
        for s in summaries
    ]
    ctx.out.table(["NAME", "STATUS", "CREATED", "MODIFIED"], rows, empty="No endpoints found.")
    return 0


def _describe(ctx: Context, name: str) -> dict[str, Any]:
    session = ctx.session
    client = session.sagemaker_client
    return without_metadata(session.polling.call(lambda: client.describe_endpoint(EndpointName=name)))


def describe_endpoint(ctx: Context) -> int:
    ctx.out.document(_describe(ctx, ctx.args.name))
    return 0


def delete_endpoint(ctx: Context) -> int:
    """DeleteEndpoint, then its endpoint config unless ``--keep-config``; models are left alone.

    The endpoint is described first: a wrong name fails with SageMaker's "not found" (exit 1)
    instead of being skipped as "already deleted", and the config name comes from AWS.
    """
    from ..endpoints import delete_hosting_resources

    name = ctx.args.name
    config = str(_describe(ctx, name).get("EndpointConfigName") or "") or None
    delete_config = config if not ctx.args.keep_config else None
    delete_hosting_resources(ctx.session, endpoint_name=name, endpoint_config_name=delete_config)
    if ctx.out.json_mode:
        ctx.out.emit_json(
            {"EndpointName": name, "EndpointConfigName": config, "DeletedEndpointConfig": bool(delete_config)}
        )
    elif delete_config:
        ctx.out.line(f"Deleted endpoint {name} and endpoint config {delete_config}")
    else:
        ctx.out.line(f"Deleted endpoint {name} (endpoint config {config} kept)")
    return 0
