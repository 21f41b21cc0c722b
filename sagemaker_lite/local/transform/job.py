"""LocalTransformJob: a batch transform job run on this machine, on the local serving runtimes.

As on SageMaker, the model's server is started (the same ``VariantServer`` a local endpoint
runs, so TensorFlow Serving, the inference-toolkit handlers and the built-in XGBoost
runtime all serve batch jobs) and every mini-batch is POSTed to its ``/invocations``, at
most ``MaxConcurrentTransforms`` at once; records.py cuts, filters, joins and assembles.
Inputs and outputs are ``file://`` or ``s3://``. The thread, stop, finalize and the exit hook
are the shared local job lifecycle (``lifecycle.LocalJob``); a transform job's record lives in
memory only, as before.
"""

from __future__ import annotations

import gzip
import http.client
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from ..lifecycle import OrchestratingJob, utc_now
from ..store import local_arn, private_dir
from ..training import frameworks
from ..training.artifacts import split_s3
from . import records

LOGGER = logging.getLogger("sagemaker_lite")
STARTUP_SECONDS = 600.0
REQUEST_SECONDS = 600.0


class LocalTransformJob(OrchestratingJob):
    """One CreateTransformJob request, run on this machine (see the module docstring)."""

    kind = "transform"
    persisted = False

    def __init__(self, request: dict[str, Any], *, client: Any, root: Path, region: str) -> None:
        name = str(request["TransformJobName"])
        super().__init__(name=name, arn=local_arn(region, "transform-job", name), directory=root / "transform" / name)
        self.request = request
        self.client = client
        self.started: datetime | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"TransformJobName": self.name, "TransformJobArn": self.arn}
        out["TransformJobStatus"] = self.status
        if self.failure_reason:
            out["FailureReason"] = self.failure_reason
        for key in (
            "ModelName",
            "MaxConcurrentTransforms",
            "MaxPayloadInMB",
            "BatchStrategy",
            "Environment",
            "TransformInput",
            "TransformOutput",
            "TransformResources",
            "DataProcessing",
            "ModelClientConfig",
        ):
            if key in self.request:
                out[key] = self.request[key]
        out["CreationTime"] = self.created
        if self.started:
            out["TransformStartTime"] = self.started
        if self.ended:
            out["TransformEndTime"] = self.ended
        return out

    # --- running ------------------------------------------------------------------------

    def run(self) -> None:
        server = None
        fields: dict[str, Any] = {}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            server = self._start_server()
            self.started = utc_now()
            self._transform_all(server.port)
            status = "Stopped" if self._stop.is_set() else "Completed"
        except Exception as exc:
            fields["FailureReason"] = str(exc)
            status = "Stopped" if self._stop.is_set() else "Failed"
        finally:
            if server is not None:
                server.stop(5.0)
        self.finalize(status, **fields)

    def _start_server(self) -> Any:
        from ..serving.endpoint import VariantServer

        model = self.client.describe_model(ModelName=self.request["ModelName"])
        container = dict(model.get("PrimaryContainer") or (model.get("Containers") or [{}])[0])
        container["Environment"] = {**(container.get("Environment") or {}), **(self.request.get("Environment") or {})}
        changed = threading.Event()
        server = VariantServer(
            endpoint=f"transform-{self.name}",
            variant={"VariantName": "AllTraffic", "InstanceType": "local", "InitialInstanceCount": 1},
            container=container,
            directory=private_dir(self.directory / "server"),
            log_path=self.directory / "server.log",
            s3_factory=self.client._s3_factory,
            venvs_dir=self.client.root / "venvs",
            on_change=lambda _: changed.set(),
            framework_versions=frameworks.resolve_mode(self.client.framework_versions),
        )
        server.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while server.state == "Creating":
            if self._stop.is_set() or time.monotonic() > deadline:
                server.stop(2.0)
                raise RuntimeError("the model server did not start in time")
            changed.wait(0.5)
            changed.clear()
        if server.state != "InService":
            raise RuntimeError(f"the model server failed: {server.failure}")
        return server

    def _inputs(self) -> list[tuple[str, bytes]]:
        """(name relative to the input prefix, content) of every input object."""
        source = self.request["TransformInput"]["DataSource"]["S3DataSource"]
        uri = source["S3Uri"]
        if source.get("S3DataType", "S3Prefix") != "S3Prefix":
            raise RuntimeError("local batch transform reads S3Prefix inputs (a prefix or one object)")
        found: list[tuple[str, bytes]] = []
        if uri.startswith("file://"):
            path = Path(uri[len("file://") :])
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for f in files:
                found.append((f.name if f == path else str(f.relative_to(path)), f.read_bytes()))
        else:
            s3 = self.client._s3_factory()
            bucket, prefix = split_s3(uri)
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents", []):
                    key = item["Key"]
                    if key.endswith("/"):
                        continue
                    relative = key[len(prefix) :].lstrip("/") or key.rsplit("/", 1)[-1]
                    found.append((relative, s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
        if self.request["TransformInput"].get("CompressionType") == "Gzip":
            found = [(name, gzip.decompress(data)) for name, data in found]
        return found

    def _write(self, relative: str, data: bytes) -> None:
        base = self.request["TransformOutput"]["S3OutputPath"].rstrip("/")
        if base.startswith("file://"):
            target = Path(base[len("file://") :]) / f"{relative}.out"
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            try:  # a full disk must never leave a truncated output under the final name (issue 11 item 3)
                partial.write_bytes(data)
                os.replace(partial, target)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        else:
            bucket, prefix = split_s3(base)
            key = f"{prefix}/{relative}.out" if prefix else f"{relative}.out"
            self.client._s3_factory().put_object(Bucket=bucket, Key=key, Body=data)

    def _transform_all(self, port: int) -> None:
        transform_input, output = self.request["TransformInput"], self.request["TransformOutput"]
        split = transform_input.get("SplitType")
        content_type = transform_input.get("ContentType")
        accept = output.get("Accept")
        processing = self.request.get("DataProcessing") or {}
        in_filter, out_filter, join = (
            processing.get("InputFilter"),
            processing.get("OutputFilter"),
            processing.get("JoinSource"),
        )
        per_record = bool(join == "Input" or (out_filter and out_filter != "$"))
        workers = int(self.request.get("MaxConcurrentTransforms") or 1)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for relative, data in self._inputs():
                if self._stop.is_set():
                    return
                raw = records.split_records(data, split)
                filtered = [records.filter_input(r, in_filter, content_type) for r in raw]
                groups = records.batches(
                    filtered,
                    strategy=self.request.get("BatchStrategy"),
                    split_type=split,
                    max_payload_mb=int(self.request.get("MaxPayloadInMB") or 6),
                )
                bodies = [records.payload(g, split) for g in groups]
                responses = list(pool.map(lambda body: self._invoke(port, body, content_type, accept), bodies))
                if per_record:
                    lines = [line for response in responses for line in records.split_records(response, "Line")]
                    if len(lines) != len(raw):
                        raise RuntimeError(
                            f"{relative}: {len(raw)} input records gave {len(lines)} output lines; JoinSource and "
                            "OutputFilter need one output line per input record"
                        )
                    joined = [
                        records.join_and_filter(
                            source,
                            out,
                            join_source=join,
                            output_filter=out_filter,
                            content_type=content_type,
                            accept=accept,
                        )
                        for source, out in zip(raw, lines, strict=True)
                    ]
                    self._write(relative, records.assemble(joined, output.get("AssembleWith") or "Line"))
                else:
                    self._write(relative, records.assemble(responses, output.get("AssembleWith")))

    def _invoke(self, port: int, body: bytes, content_type: str | None, accept: str | None) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
        try:
            headers = {"Content-Type": content_type or "application/octet-stream"}
            if accept:
                headers["Accept"] = accept
            connection.request("POST", "/invocations", body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.status != 200:
                raise RuntimeError(f"the model answered {response.status}: {data[:500].decode('utf-8', 'replace')}")
            return data
        finally:
            connection.close()
