"""Helpers for the local serving tests: tiny SavedModels, model.tar.gz archives, raw HTTP.

A helper module (no tests of its own), imported by the local serving tests. TensorFlow is imported
only inside the builders, so importing this module never needs it.
"""

from __future__ import annotations

import json
import os
import tarfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

FEATURES = 13


def keras_regression(version_dir: Path, *, seed: int = 0, features: int = FEATURES) -> Any:
    """A few Dense layers fit for one epoch on random data, saved with ``tf.saved_model.save``; returns the model."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((features,)),
            tf.keras.layers.Dense(16, activation="relu"),
            tf.keras.layers.Dense(8, activation="relu"),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(seed)
    model.fit(rng.random((64, features), dtype=np.float32), rng.random(64, dtype=np.float32), epochs=1, verbose=0)
    tf.saved_model.save(model, str(version_dir))
    return model


def predict_locally(model: Any, rows: Any) -> np.ndarray:
    return np.asarray(model(np.asarray(rows, dtype=np.float32)))


def tf1_classify_regress(version_dir: Path) -> None:
    """A TF1-style SavedModel with classify, regress and predict signatures (y = 2x + 1, classes neg/pos)."""
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        serialized = tf.compat.v1.placeholder(tf.string, [None], name="tf_example")
        x = tf.io.parse_example(serialized, {"x": tf.io.FixedLenFeature([], tf.float32)})["x"]
        scores = tf.stack([1.0 - tf.sigmoid(x), tf.sigmoid(x)], axis=1)
        classes = tf.tile(tf.constant([["neg", "pos"]]), [tf.shape(x)[0], 1])
        plain = tf.compat.v1.placeholder(tf.float32, [None], name="x")
        with tf.compat.v1.Session() as session:
            builder = tf.compat.v1.saved_model.Builder(str(version_dir))
            builder.add_meta_graph_and_variables(
                session,
                ["serve"],
                signature_def_map={
                    "classify_x": tf.compat.v1.saved_model.classification_signature_def(serialized, classes, scores),
                    "regress_x": tf.compat.v1.saved_model.regression_signature_def(serialized, 2.0 * x + 1.0),
                    "serving_default": tf.compat.v1.saved_model.predict_signature_def(
                        {"x": plain}, {"y": 2.0 * plain + 1.0}
                    ),
                },
            )
            builder.save()


def make_tarball(archive: Path, members: Mapping[str, Path | str]) -> Path:
    """``members``: ``{name in the archive: directory or file}``; a ``str`` value is written as file content."""
    with tarfile.open(archive, "w:gz") as tar:
        for name, source in members.items():
            if isinstance(source, str):
                scratch = archive.parent / f".member-{os.getpid()}-{abs(hash(name))}"
                scratch.write_text(source, encoding="utf-8")
                tar.add(str(scratch), arcname=name)
                scratch.unlink()
            else:
                tar.add(str(source), arcname=name)
    return archive


def http(method: str, url: str, body: Any = None, headers: Mapping[str, str] | None = None) -> tuple[int, str, Any]:
    """(status, content type, JSON-decoded body or raw text) of one request, errors included."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, content_type, raw = response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        status, content_type, raw = exc.code, exc.headers.get("Content-Type", ""), exc.read()
    try:
        return status, content_type, json.loads(raw) if raw else None
    except ValueError:
        return status, content_type, raw.decode()


def server_pids(session: Any, endpoint_name: str) -> list[int]:
    endpoint = session.sagemaker_client.account.endpoints[endpoint_name]
    return [s.process.pid for s in endpoint.servers if s.process is not None and s.process.pid is not None]


def listening_addresses(port: int) -> list[str]:
    """Local addresses of the TCP sockets listening on ``port`` (Linux /proc/net/tcp[6])."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.append(address)
    return found
