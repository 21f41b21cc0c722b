"""Input channels: ``file://`` linked in place, ``s3://`` downloaded once, shards split per host.

Each channel is first *materialized* - its files located on this machine (a ``file://``
directory as it is; ``s3://`` objects downloaded once per job into the job's cache,
however many hosts read them) - then *staged* on every host:

* File mode, FullyReplicated, a whole directory: ``input/data/<channel>`` is a symlink to
  it (no copy, so a 50 GB local dataset costs nothing);
* otherwise (one file, or a ShardedByS3Key slice): ``input/data/<channel>/`` holds one
  symlink per file, keeping relative paths;
* Pipe mode: the host's list of files goes to a ``PipeChannel`` instead.

ShardedByS3Key gives host *i* (0-based) of *n* the files at positions i, i+n, i+2n... of
the key-sorted list: deterministic, balanced by count, every file on exactly one host.
S3 paths follow SageMaker's layout: objects under ``s3://b/data/train/`` land at their
path relative to that prefix; an exact key lands under its base name.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .artifacts import ChannelError, local_path, split_s3

S3ClientFactory = Callable[[], Any]


@dataclass(frozen=True)
class ChannelSpec:
    """One entry of the request's ``InputDataConfig``, with defaults applied."""

    name: str
    uri: str
    data_type: str
    distribution: str
    mode: str
    content_type: str | None
    compression: str
    record_wrapper: str
    shuffle_seed: int | None
    instance_groups: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, channel: dict[str, Any], job_mode: str) -> ChannelSpec:
        s3 = (channel.get("DataSource") or {}).get("S3DataSource") or {}
        shuffle = channel.get("ShuffleConfig") or {}
        return cls(
            name=str(channel["ChannelName"]),
            uri=str(s3.get("S3Uri", "")),
            data_type=str(s3.get("S3DataType") or "S3Prefix"),
            distribution=str(s3.get("S3DataDistributionType") or "FullyReplicated"),
            mode=str(channel.get("InputMode") or job_mode),
            content_type=channel.get("ContentType"),
            compression=str(channel.get("CompressionType") or "None"),
            record_wrapper=str(channel.get("RecordWrapperType") or "None"),
            shuffle_seed=int(shuffle["Seed"]) if "Seed" in shuffle else None,
            instance_groups=tuple(s3.get("InstanceGroupNames") or ()),
        )

    @property
    def is_pipe(self) -> bool:
        return self.mode == "Pipe"

    @property
    def sharded(self) -> bool:
        return self.distribution == "ShardedByS3Key"

    def serves(self, group: str) -> bool:
        """Whether hosts of instance group ``group`` receive this channel (``InstanceGroupNames``)."""
        return not self.instance_groups or group in self.instance_groups


@dataclass(frozen=True)
class Materialized:
    """A channel's files on this machine: ``root``/``files`` (relative, sorted)."""

    root: Path
    files: list[str]
    whole_dir: bool

    def paths(self, relative: Sequence[str]) -> list[Path]:
        return [self.root / rel for rel in relative]


def relative_key(key: str, prefix: str) -> str:
    """Where object ``key`` lands inside the channel directory for an S3Prefix ``prefix``."""
    if key == prefix:
        return posixpath.basename(key)
    if not prefix or prefix.endswith("/"):
        return key[len(prefix) :]
    rest = key[len(prefix) :]
    if rest.startswith("/"):
        return rest.lstrip("/")
    parent = prefix.rsplit("/", 1)[0] + "/" if "/" in prefix else ""
    return key[len(parent) :]


def _safe_relative(relative: str, uri: str) -> str:
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise ChannelError(f"object {relative!r} under {uri} cannot be placed inside the channel directory")
    return "/".join(parts)


def _list_s3(s3: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(str(o["Key"]) for o in page.get("Contents", []) if not str(o["Key"]).endswith("/"))
    return sorted(keys)


def _download_all(s3: Any, items: Sequence[tuple[str, str, Path]]) -> None:
    """Download (bucket, key, destination) triples, 8 at a time."""

    def fetch(item: tuple[str, str, Path]) -> None:
        bucket, key, destination = item
        destination.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(destination))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, items))


def download_prefix(s3: Any, uri: str, target: Path) -> list[str]:
    """Every object under an S3Prefix URI into ``target``; returns relative paths (sorted)."""
    bucket, prefix = split_s3(uri)
    keys = _list_s3(s3, bucket, prefix)
    placed = {_safe_relative(relative_key(key, prefix), uri): key for key in keys}
    _download_all(s3, [(bucket, key, target / rel) for rel, key in placed.items()])
    return sorted(placed)


def fetch_tree(uri: str, target: Path, s3_factory: S3ClientFactory) -> None:
    """Restore a prefix (checkpoints) into ``target``; a missing source is simply empty."""
    target.mkdir(parents=True, exist_ok=True)
    if uri.startswith("s3://"):
        download_prefix(s3_factory(), uri.rstrip("/") + "/", target)
        return
    source = local_path(uri)
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)


def _manifest_objects(s3: Any, uri: str) -> list[tuple[str, str, str]]:
    """A ManifestFile: ``[{"prefix": "s3://b/p/"}, "rel1", ...]`` -> (bucket, key, relative) triples."""
    import json

    bucket, key = split_s3(uri)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    entries = json.loads(body)
    if not entries or not isinstance(entries[0], dict) or "prefix" not in entries[0]:
        raise ChannelError(f"manifest {uri} must start with {{'prefix': 's3://...'}}")
    prefix_bucket, prefix = split_s3(str(entries[0]["prefix"]))
    return [(prefix_bucket, prefix + str(rel), _safe_relative(str(rel), uri)) for rel in entries[1:]]


def materialize(spec: ChannelSpec, cache_dir: Path, s3_factory: S3ClientFactory) -> Materialized:
    """Locate (``file://``) or download once (``s3://``) the channel's files."""
    if spec.uri.startswith("file://"):
        path = local_path(spec.uri)
        if path.is_dir():
            files = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
            return Materialized(path, files, whole_dir=True)
        if path.is_file():
            return Materialized(path.parent, [path.name], whole_dir=False)
        raise ChannelError(f"channel {spec.name!r}: {spec.uri} does not exist on this machine")
    if not spec.uri.startswith("s3://"):
        raise ChannelError(f"channel {spec.name!r}: {spec.uri!r} is neither an s3:// nor a file:// URI")
    target = cache_dir / spec.name
    target.mkdir(parents=True, exist_ok=True)
    s3 = s3_factory()
    if spec.data_type == "ManifestFile":
        objects = _manifest_objects(s3, spec.uri)
        _download_all(s3, [(bucket, key, target / rel) for bucket, key, rel in objects])
        files = sorted(rel for _, _, rel in objects)
    else:
        files = download_prefix(s3, spec.uri, target)
    if not files:
        raise ChannelError(
            f'No S3 objects found under S3 URL "{spec.uri}" given in input data source (channel {spec.name!r})'
        )
    return Materialized(target, files, whole_dir=True)


def host_files(material: Materialized, spec: ChannelSpec, host_index: int, host_count: int) -> list[str]:
    """The files host ``host_index`` (0-based) of ``host_count`` receives."""
    if spec.sharded:
        return material.files[host_index::host_count]
    return list(material.files)


def _place(source: Path, destination: Path, link: bool) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if link:
        os.symlink(source, destination)
        return
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def stage_file_channel(
    material: Materialized, spec: ChannelSpec, files: Sequence[str], target: Path, *, link: bool = True
) -> None:
    """Make ``target`` (``input/data/<channel>``) show ``files``: symlinks by default, copies for Docker."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if link and material.whole_dir and not spec.sharded:
        os.symlink(material.root, target, target_is_directory=True)
        return
    target.mkdir(exist_ok=True)
    for rel in files:
        _place(material.root / rel, target / rel, link)
