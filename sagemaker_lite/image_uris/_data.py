"""Typed, cached access to the image facts shipped in ``data/*.json``.

The files are written by ``tools/sync_image_uris.py`` from the official SDK's
``image_uri_config`` JSON. They are static facts, so each file is parsed at most once
per process (``functools.lru_cache``) and only when a lookup first needs it: importing
``sagemaker_lite.image_uris`` reads nothing.

Layout (see the sync tool for how each field is derived):

* ``index.json``: framework names, region -> partition/domain, the shared table of
  per-region account maps (leaves refer to it by index) and the Graviton families.
* ``<framework>.json``: scopes, behaviour rules and, per scope (or ``"*"`` when every
  scope shares one config), the versions. A version is a *leaf* (repository, account
  table, py versions, processors, tag parts) or branches to leaves by Python version
  (``by_py_version``) or, for Hugging Face, by base framework (``by_base_framework``).
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any, TypedDict, cast


class Node(TypedDict, total=False):
    """One version's entry: a leaf (has ``repository``) or a branch to leaves."""

    repository: str
    accounts: int
    py_versions: list[str]
    processors: list[str]
    tag_prefix: str
    container_versions: dict[str, str]
    sdk_versions: list[str]
    sdk_version_in_tag: bool
    tag_uses_full_versions: bool
    tag_uses_validated_version: bool
    container_version_suffix: str
    accepts_container_version: bool
    fixed_tag: str
    by_py_version: dict[str, Node]
    by_base_framework: dict[str, Node]
    base_framework_aliases: dict[str, str]


class ScopeConfig(TypedDict, total=False):
    """The versions available for one scope (or for all scopes, when shared)."""

    processors: list[str]
    version_aliases: dict[str, str]
    versions: dict[str, Node]


class Rules(TypedDict, total=False):
    """Per-framework behaviour that the official SDK keeps in code; absent means off."""

    default_scope: str
    py_version_optional: bool
    omit_gpu_processor: bool
    accepts_container_version: bool
    runs_on_graviton: bool
    runs_on_trainium: bool
    routes_neuron: bool
    routes_training_compiler: bool
    p2_deprecated_from: str
    distributed_tag_suffixes: dict[str, str]


class FrameworkData(TypedDict):
    """One ``<framework>.json`` file."""

    generated_from: dict[str, str]
    framework: str
    scopes: list[str]
    shared_config: bool
    latest_version: dict[str, str | None]
    rules: Rules
    configs: dict[str, ScopeConfig]


class RegionData(TypedDict):
    partition: str
    domain: str


class IndexData(TypedDict):
    """``index.json``: everything shared between frameworks."""

    format: int
    generated_from: dict[str, str]
    skipped: dict[str, str]
    frameworks: list[str]
    internal_frameworks: dict[str, str]
    graviton_instance_families: list[str]
    regions: dict[str, RegionData]
    account_tables: list[dict[str, str]]


_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def _read(name: str) -> Any:
    # Plain file access: the package is installed unzipped (zip_safe = False), and
    # importlib.resources would add ~20 ms of imports to the first lookup.
    with open(os.path.join(_DATA_DIR, f"{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def index() -> IndexData:
    """The shared index (parsed once)."""
    return cast(IndexData, _read("index"))


@functools.cache
def public_frameworks() -> frozenset[str]:
    """Framework names a caller may pass to ``retrieve``."""
    return frozenset(index()["frameworks"])


@functools.cache
def known_frameworks() -> frozenset[str]:
    """Public frameworks plus configs reachable only through another framework."""
    return public_frameworks() | frozenset(index()["internal_frameworks"])


@functools.cache
def graviton_families() -> frozenset[str]:
    return frozenset(index()["graviton_instance_families"])


@functools.cache
def framework(name: str) -> FrameworkData:
    """One framework's data (parsed once). ``name`` must be in ``known_frameworks()``."""
    if name not in known_frameworks():
        raise KeyError(name)  # callers check first; this guards against path tricks
    return cast(FrameworkData, _read(name))
