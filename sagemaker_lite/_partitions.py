"""AWS partitions by region prefix: ARN partition and console domains.

Small facts needed to build role ARNs and console/CloudWatch links for regions
outside the commercial partition (China, GovCloud, ISO).
"""

from __future__ import annotations

from typing import NamedTuple


class Partition(NamedTuple):
    name: str
    console_domain: str | None


_BY_PREFIX: tuple[tuple[str, Partition], ...] = (
    ("cn-", Partition("aws-cn", "console.amazonaws.cn")),
    ("us-gov-", Partition("aws-us-gov", "console.amazonaws-us-gov.com")),
    ("us-isob-", Partition("aws-iso-b", None)),
    ("us-isof-", Partition("aws-iso-f", None)),
    ("eu-isoe-", Partition("aws-iso-e", None)),
    ("us-iso-", Partition("aws-iso", None)),
)
_COMMERCIAL = Partition("aws", "console.aws.amazon.com")


def partition_for_region(region: str) -> Partition:
    for prefix, partition in _BY_PREFIX:
        if region.startswith(prefix):
            return partition
    return _COMMERCIAL


def console_url(region: str, fragment: str) -> str:
    """A console link for ``fragment`` (the part after ``#``), or '' where no public console exists."""
    domain = partition_for_region(region).console_domain
    if domain is None:
        return ""
    host = f"{region}.{domain}" if domain == _COMMERCIAL.console_domain else domain
    return f"https://{host}/sagemaker/home?region={region}#{fragment}"


def cloudwatch_url(region: str, log_group: str, stream_prefix: str) -> str:
    domain = partition_for_region(region).console_domain
    if domain is None:
        return ""
    host = f"{region}.{domain}" if domain == _COMMERCIAL.console_domain else domain
    return (
        f"https://{host}/cloudwatch/home?region={region}#logStream:group={log_group};"
        f"prefix={stream_prefix};streamFilter=typeLogStreamPrefix"
    )
