"""NetworkConfig: VPC, network isolation and inter-container encryption for processing jobs.

    from sagemaker_lite.network import NetworkConfig
    NetworkConfig(enable_network_isolation=True, security_group_ids=["sg-1"], subnets=["subnet-1"])

The official ``sagemaker.network.NetworkConfig``: a value object rendered into the
request's ``NetworkConfig`` field (``to_request_dict()``), and rebuilt from a description
by ``from_request``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from . import _validation as v


def _string_list(value: Any) -> list[str] | None:
    return list(value) if isinstance(value, (list, tuple)) else value


@attrs.frozen(kw_only=False)
class NetworkConfig:
    """What the processing job's containers may reach."""

    enable_network_isolation: bool = attrs.field(default=False, validator=v.optional_bool)
    security_group_ids: list[str] | None = attrs.field(
        default=None, converter=_string_list, validator=v.str_list(None, "['sg-0123']")
    )
    subnets: list[str] | None = attrs.field(
        default=None, converter=_string_list, validator=v.str_list(None, "['subnet-0123']")
    )
    encrypt_inter_container_traffic: bool | None = attrs.field(default=None, validator=v.optional_bool)

    def __attrs_post_init__(self) -> None:
        if bool(self.security_group_ids) != bool(self.subnets):
            v.fail(
                "security_group_ids" if not self.security_group_ids else "subnets",
                self.security_group_ids if not self.security_group_ids else self.subnets,
                "both security_group_ids and subnets for a VPC, or neither",
            )

    def to_request_dict(self) -> dict[str, Any]:
        """The request's ``NetworkConfig`` field, in the official key order."""
        request: dict[str, Any] = {"EnableNetworkIsolation": bool(self.enable_network_isolation)}
        if self.encrypt_inter_container_traffic is not None:
            request["EnableInterContainerTrafficEncryption"] = self.encrypt_inter_container_traffic
        if self.security_group_ids and self.subnets:
            request["VpcConfig"] = {"SecurityGroupIds": list(self.security_group_ids), "Subnets": list(self.subnets)}
        return request

    @classmethod
    def from_request(cls, field: Mapping[str, Any] | None) -> NetworkConfig | None:
        """The inverse of ``to_request_dict`` (for ``attach``)."""
        if not field:
            return None
        vpc = field.get("VpcConfig") or {}
        return cls(
            enable_network_isolation=bool(field.get("EnableNetworkIsolation", False)),
            security_group_ids=vpc.get("SecurityGroupIds"),
            subnets=vpc.get("Subnets"),
            encrypt_inter_container_traffic=field.get("EnableInterContainerTrafficEncryption"),
        )
