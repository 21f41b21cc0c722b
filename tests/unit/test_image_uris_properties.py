"""Properties of image_uris over all of its data, and under arbitrary arguments.

* exhaustive: every (framework, scope, version, [base framework], py version, processor,
  region) tuple in our data yields a well-formed ECR URI whose domain is that of the
  region's partition and whose account is the one the data lists;
* fuzzed (hypothesis): any mix of known and garbage arguments either returns such a URI
  or raises ValidationError, never KeyError/TypeError/AttributeError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sagemaker_lite import image_uris
from sagemaker_lite.errors import ValidationError
from sagemaker_lite.image_uris import _data

URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z]{2}(-[a-z]+)+-\d)\.(?P<domain>[a-z0-9.-]+)"
    r"/(?P<repo>[a-z0-9][a-z0-9._/-]*)(:(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?$"
)

#: Partition by region prefix (longest first) and each partition's DNS suffix.
PARTITIONS = [
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
    ("us-isof-", "aws-iso-f", "csp.hci.ic.gov"),
    ("us-iso-", "aws-iso", "c2s.ic.gov"),
    ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"),
    ("us-gov-", "aws-us-gov", "amazonaws.com"),
    ("cn-", "aws-cn", "amazonaws.com.cn"),
    ("", "aws", "amazonaws.com"),
]

#: An instance type that selects each processor name found in the data.
INSTANCE_FOR = {
    "cpu": "ml.c5.xlarge",
    "gpu": "ml.p3.2xlarge",
    "inf": "ml.inf1.xlarge",
    "trn": "ml.trn1.2xlarge",
}


def expected_partition(region: str) -> tuple[str, str]:
    for prefix, partition, domain in PARTITIONS:
        if region.startswith(prefix):
            return partition, domain
    raise AssertionError("unreachable")


def check_uri(uri: str, region: str) -> re.Match[str]:
    match = URI.match(uri)
    assert match, uri
    assert match["region"] == region, uri
    assert match["domain"] == expected_partition(region)[1], uri
    return match


def _leaves(node: _data.Node, base: str | None) -> Iterator[tuple[str | None, str | None, _data.Node]]:
    """(base framework, py version, leaf) for one version entry."""
    if "by_base_framework" in node:
        for name, leaf in node["by_base_framework"].items():
            yield from _leaves(leaf, name)
    elif "by_py_version" in node:
        for py, leaf in node["by_py_version"].items():
            yield base, py, leaf
    else:
        pys: list[str | None] = list(node.get("py_versions", [])) or [None]
        for py in pys:
            yield base, py, node


def data_tuples() -> Iterator[tuple[dict[str, Any], _data.Node]]:
    """Every lookup our data describes, as retrieve() kwargs, with the leaf it must hit."""
    for name in sorted(_data.public_frameworks()):
        data = _data.framework(name)
        for scope in data["scopes"]:
            config = data["configs"]["*" if data["shared_config"] else scope]
            aliases = config.get("version_aliases", {})
            for version, node in config["versions"].items():
                if aliases.get(version, version) != version:
                    continue  # shadowed by an alias of the same name (pytorch-smp 2.2.0/2.3.1): unreachable
                for base, py, leaf in _leaves(node, None):
                    processors: list[str | None] = list(config.get("processors") or leaf.get("processors") or [None])
                    if leaf.get("container_versions"):
                        processors = [p for p in processors if p in leaf["container_versions"]]
                    for proc in processors:
                        if len(processors) == 1 or proc is None:
                            instance = None
                        else:
                            instance = INSTANCE_FOR.get(proc, f"ml.{proc}.xlarge")
                        kwargs: dict[str, Any] = {
                            "framework": name,
                            "version": version,
                            "image_scope": scope,
                            "py_version": py,
                            "instance_type": instance,
                        }
                        if base is not None:
                            kwargs["base_framework_version"] = base
                        yield kwargs, leaf


def test_every_tuple_in_the_data_gives_a_valid_uri() -> None:
    tables = _data.index()["account_tables"]
    regions = _data.index()["regions"]
    count = 0
    for kwargs, leaf in data_tuples():
        table = tables[leaf["accounts"]]
        for region, account in table.items():
            uri = image_uris.retrieve(region=region, **kwargs)
            match = check_uri(uri, region)
            assert match["account"] == account, (kwargs, region, uri)
            assert match["repo"] == leaf["repository"], (kwargs, uri)
            assert regions[region]["partition"] == expected_partition(region)[0], region
            count += 1
    print(f"\nchecked {count} (framework, scope, version, py, processor, region) tuples")
    assert count > 20_000


def test_every_region_in_the_data_has_its_partitions_domain() -> None:
    for region, info in _data.index()["regions"].items():
        assert (info["partition"], info["domain"]) == expected_partition(region), region


def test_first_party_algorithms_span_partitions() -> None:
    algorithms = [
        "blazingtext",
        "factorization-machines",
        "forecasting-deepar",
        "image-classification",
        "ipinsights",
        "kmeans",
        "knn",
        "lda",
        "linear-learner",
        "ntm",
        "object-detection",
        "object2vec",
        "pca",
        "randomcutforest",
        "semantic-segmentation",
        "seq2seq",
    ]
    for algorithm in algorithms:
        partitions = set()
        for region in _data.index()["regions"]:
            try:
                uri = image_uris.retrieve(algorithm, region)
            except ValidationError as exc:
                assert exc.parameter == "region"
                continue
            assert check_uri(uri, region)["tag"] == "1", uri
            partitions.add(expected_partition(region)[0])
        # lda is the one algorithm not published in China
        assert {"aws", "aws-us-gov", "aws-iso"} <= partitions, (algorithm, partitions)


# ----------------------------------------------------------------------------- fuzzing

_KNOWN_FRAMEWORKS = sorted(_data.public_frameworks())
_REGIONS = sorted(_data.index()["regions"])


def _maybe(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.sampled_from(values), st.text(max_size=12))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    framework=st.one_of(st.sampled_from(_KNOWN_FRAMEWORKS), st.text(max_size=12)),
    region=st.one_of(st.sampled_from(_REGIONS), st.text(min_size=1, max_size=12)),
    version=_maybe(["1", "latest", "2.11", "2.11.0", "1.7-1", "4.28", "2.1", "1.13", "2.x", "0.90-1"]),
    py_version=_maybe(["py3", "py37", "py39", "py310", "py311", "py2"]),
    instance_type=_maybe(
        [
            "local",
            "local_gpu",
            "ml.c5.xlarge",
            "ml.p3.2xlarge",
            "ml.p4d.24xlarge",
            "ml.inf1.xlarge",
            "ml.inf2.xlarge",
            "ml.trn1.2xlarge",
            "ml.c7g.xlarge",
            "ml.p2.xlarge",
        ]
    ),
    image_scope=_maybe(["training", "inference", "eia", "inference_graviton", "processing"]),
    accelerator_type=_maybe(["ml.eia2.medium"]),
    base_framework_version=_maybe(["pytorch2.0", "pytorch1.9", "tensorflow2.4", "pytorch2.1.0"]),
    inference_tool=_maybe(["neuron", "neuronx"]),
    container_version=_maybe(["cu118", "ubuntu20.04"]),
    training_compiler=st.booleans(),
    serverless=st.booleans(),
)
def test_arbitrary_arguments_never_crash(
    framework: str,
    region: str,
    version: str | None,
    py_version: str | None,
    instance_type: str | None,
    image_scope: str | None,
    accelerator_type: str | None,
    base_framework_version: str | None,
    inference_tool: str | None,
    container_version: str | None,
    training_compiler: bool,
    serverless: bool,
) -> None:
    try:
        uri = image_uris.retrieve(
            framework,
            region,
            version=version,
            py_version=py_version,
            instance_type=instance_type,
            image_scope=image_scope,
            accelerator_type=accelerator_type,
            base_framework_version=base_framework_version,
            inference_tool=inference_tool,
            container_version=container_version,
            training_compiler_config=object() if training_compiler else None,
            serverless_inference_config=object() if serverless else None,
        )
    except ValidationError as exc:
        assert exc.parameter and str(exc)
        return
    check_uri(uri, region)


@pytest.mark.parametrize("region", ["us-west-2", "cn-northwest-1", "us-gov-east-1", "us-isob-east-1"])
def test_region_error_lists_regions(region: str) -> None:
    with pytest.raises(ValidationError) as info:
        image_uris.retrieve("pca", region + "x")
    assert repr(region) in info.value.allowed or region not in _REGIONS
