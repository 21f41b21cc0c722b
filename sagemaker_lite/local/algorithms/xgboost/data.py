"""The XGBoost container's input formats: content types, channel files, and parsing them into arrays.

    kind = content_kind("text/csv")                     # 'csv'
    features, labels, weights = read_channel(Path("/opt/ml/input/data/train"), kind, csv_weights=0)

Restated from the container's ``data_utils``: a channel's ``ContentType`` picks the
format - ``csv`` / ``text/csv`` (``label_size=1`` only), ``libsvm`` / ``text/libsvm`` /
``text/x-libsvm`` (also when no ContentType is given), ``parquet`` /
``application/x-parquet``, ``recordio-protobuf`` / ``application/x-recordio-protobuf`` -
and anything else fails with the container's message. Training data has the label first
(CSV: first column, no header; with ``csv_weights=1`` the instance weight second;
LIBSVM: ``<label>[:<weight>] <index>:<value> ...``). A channel is a file or a directory
of files (three levels deep at most); a hidden file fails the job, as in the container.
In Pipe mode the channel's FIFO (``<channel>_0``) is read to its end instead.

Parsing happens here, with numpy (and scipy for sparse rows), rather than through
xgboost's text loaders, which newer xgboost versions deprecate and cannot point at a
directory; the result is the same matrix (missing CSV cells and absent LIBSVM entries
are missing values). ``serve.py`` uses the same parsers for request bodies.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .hyperparameters import AlgorithmUserError

CSV, LIBSVM, PARQUET, RECORDIO_PROTOBUF = "csv", "libsvm", "parquet", "recordio-protobuf"
_KINDS = {
    "csv": CSV,
    "text/csv": CSV,
    "libsvm": LIBSVM,
    "text/libsvm": LIBSVM,
    "text/x-libsvm": LIBSVM,
    "parquet": PARQUET,
    "application/x-parquet": PARQUET,
    "recordio-protobuf": RECORDIO_PROTOBUF,
    "application/x-recordio-protobuf": RECORDIO_PROTOBUF,
}
VALID_CONTENT_TYPES = (
    "csv, libsvm, parquet, recordio-protobuf, text/csv, text/libsvm, text/x-libsvm, application/x-parquet, "
    "application/x-recordio-protobuf"
)
MAX_FOLDER_DEPTH = 3


def split_content_type(value: str) -> tuple[str, dict[str, str]]:
    """``"text/csv; label_size=1"`` -> ``("text/csv", {"label_size": "1"})`` (lower-cased)."""
    main, *params = [part.strip() for part in value.lower().split(";")]
    parsed: dict[str, str] = {}
    for param in params:
        key, _, val = param.partition("=")
        if key:
            parsed[key.strip()] = val.strip().strip('"')
    return main, parsed


def content_kind(content_type: str | None) -> str:
    """The format a channel's ContentType names (no ContentType: libsvm), or the container's error."""
    if content_type is None:
        return LIBSVM
    main, params = split_content_type(content_type)
    kind = _KINDS.get(main)
    if kind is None:
        raise AlgorithmUserError(f"{content_type} is not an accepted ContentType: {VALID_CONTENT_TYPES}.")
    if kind == CSV and params.get("label_size", "1") != "1":
        raise AlgorithmUserError(
            f"{content_type} is not an accepted csv ContentType. Optional parameter label_size must be equal to 1"
        )
    return kind


def channel_files(path: Path) -> list[Path]:
    """The data files of a channel: the file itself, or every file in the directory (3 levels deep)."""
    if path.is_file():
        return [path]
    if not path.exists():
        return []
    files: list[Path] = []
    for root, dirs, names in os.walk(path, followlinks=True):
        depth = len(Path(root).relative_to(path).parts)
        if depth >= MAX_FOLDER_DEPTH:
            dirs[:] = []
        for name in sorted(names):
            if name.startswith("."):
                raise AlgorithmUserError("Hidden file found in the data path! Remove that before training.")
            files.append(Path(root) / name)
        dirs.sort()
    return sorted(files)


# --- CSV -----------------------------------------------------------------------------------------


def csv_delimiter(sample_line: str) -> str:
    try:
        return csv.Sniffer().sniff(sample_line).delimiter
    except Exception as exc:
        raise AlgorithmUserError(f"Could not determine delimiter on line {sample_line[:50]}:\n{exc}") from exc


def parse_csv(text: str, delimiter: str) -> Any:
    """A float32 matrix of CSV text (empty cells are missing values)."""
    import numpy as np

    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return np.zeros((0, 0), dtype=np.float32)
    try:
        return np.loadtxt(lines, delimiter=delimiter, dtype=np.float32, ndmin=2)
    except ValueError:
        table = np.genfromtxt(lines, delimiter=delimiter, dtype=np.float32, filling_values=np.nan)
        return table.reshape(len(lines), -1)


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def read_csv(texts: Iterable[str], csv_weights: int) -> tuple[Any, Any, Any]:
    """(features, labels, weights or None) of training CSV: label first, then the weight if ``csv_weights``."""
    import numpy as np

    chunks = [text for text in texts if text.strip()]
    if not chunks:
        return None, None, None
    first_line = next(line for line in chunks[0].splitlines() if line.strip())
    delimiter = csv_delimiter(first_line)
    try:
        tables = [parse_csv(text, delimiter) for text in chunks]
        table = np.vstack(tables) if len(tables) > 1 else tables[0]
    except ValueError as exc:
        raise AlgorithmUserError(f"Failed to load csv data with exception:\n{exc}") from exc
    start = 2 if csv_weights == 1 else 1
    weights = table[:, 1] if csv_weights == 1 else None
    return table[:, start:], table[:, 0], weights


# --- LIBSVM --------------------------------------------------------------------------------------


def parse_libsvm(text: str, *, labelled: bool) -> tuple[Any, Any, Any]:
    """(CSR features, labels, weights or None) of LIBSVM text; ``labelled=False`` for inference rows."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr, indices, values, labels, weights = [0], [], [], [], []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        tokens = line.split()
        if labelled:
            label, _, weight = tokens[0].partition(":")
            try:
                labels.append(float(label))
                weights.append(float(weight) if weight else 1.0)
            except ValueError:
                raise AlgorithmUserError(
                    f"First line '{raw[:50]}...' is not 'LIBSVM' format. Please ensure the file is in 'LIBSVM' format."
                ) from None
            tokens = tokens[1:]
        for token in tokens:
            index, sep, value = token.partition(":")
            if index == "qid":
                continue
            try:
                if not sep:
                    raise ValueError(token)
                indices.append(int(index))
                values.append(float(value))
            except ValueError:
                raise AlgorithmUserError(
                    f"Line {number} '{raw[:50]}...' is not 'LIBSVM' format. Please ensure the data is in 'LIBSVM' "
                    "format."
                ) from None
        indptr.append(len(indices))
    width = max(indices) + 1 if indices else 0
    matrix = csr_matrix(
        (np.array(values, dtype=np.float32), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(indptr) - 1, width),
    )
    has_weights = labelled and any(w != 1.0 for w in weights)
    return (
        matrix,
        np.array(labels, dtype=np.float32) if labelled else None,
        np.array(weights, dtype=np.float32) if has_weights else None,
    )


def read_libsvm(texts: Iterable[str]) -> tuple[Any, Any, Any]:
    from scipy.sparse import vstack

    parts = [parse_libsvm(text, labelled=True) for text in texts if text.strip()]
    if not parts:
        return None, None, None
    import numpy as np

    width = max(p[0].shape[1] for p in parts)
    matrices = [p[0] for p in parts]
    for i, matrix in enumerate(matrices):
        if matrix.shape[1] < width:
            matrix.resize((matrix.shape[0], width))
            matrices[i] = matrix
    features = vstack(matrices).tocsr() if len(matrices) > 1 else matrices[0]
    labels = np.concatenate([p[1] for p in parts])
    weights = None
    if any(p[2] is not None for p in parts):
        weights = np.concatenate([p[2] if p[2] is not None else np.ones(len(p[1]), np.float32) for p in parts])
    return features, labels, weights


# --- parquet and recordio-protobuf ---------------------------------------------------------------


def read_parquet(blobs: Iterable[bytes]) -> tuple[Any, Any, Any]:
    import numpy as np

    try:
        import pandas as pd

        tables = [pd.read_parquet(io.BytesIO(blob)).to_numpy(dtype=np.float32) for blob in blobs]
    except ImportError as exc:
        raise AlgorithmUserError(
            f"Failed to load parquet data with exception:\n{exc} (reading parquet needs pandas and pyarrow: "
            "pip install pandas pyarrow)"
        ) from exc
    except Exception as exc:
        raise AlgorithmUserError(f"Failed to load parquet data with exception:\n{exc}") from exc
    if not tables:
        return None, None, None
    table = np.vstack(tables)
    return table[:, 1:], table[:, 0], None


def read_recordio(blobs: Iterable[bytes]) -> tuple[Any, Any, Any]:
    from ..recordio import RecordIOError, read_records

    data = b"".join(blobs)
    if not data:
        return None, None, None
    try:
        features, labels = read_records(data)
    except RecordIOError as exc:
        raise AlgorithmUserError(f"Failed to load recordio-protobuf data with exception:\n{exc}") from exc
    return features, labels, None


# --- one channel ---------------------------------------------------------------------------------


def _pipe_bytes(path: Path) -> bytes:
    with open(f"{path}_0", "rb") as pipe:
        return pipe.read()


def read_channel(
    path: Path, kind: str, *, csv_weights: int = 0, pipe: bool = False, pipe_supported: bool = True
) -> tuple[Any, Any, Any]:
    """(features, labels, weights) of a channel; (None, None, None) when it holds no data."""
    if pipe:
        if kind == LIBSVM:
            raise AlgorithmUserError("Pipe mode not supported for LibSVM.")
        if not pipe_supported:
            name = {CSV: "CSV", PARQUET: "Parquet", RECORDIO_PROTOBUF: "RecordIO-Protobuf"}[kind]
            raise AlgorithmUserError(
                f"Pipe mode for {name} is no longer supported. Please use Fast File mode (default) instead. "
                "Set input_mode='File' in your SageMaker Estimator or TrainingInput."
            )
        if not Path(f"{path}_0").exists():
            return None, None, None
        blob = _pipe_bytes(path)
        if kind == CSV:
            return read_csv([blob.decode("utf-8", "replace")], csv_weights)
        return read_parquet([blob]) if kind == PARQUET else read_recordio([blob])
    files = channel_files(path)
    if not files:
        return None, None, None
    if kind == CSV:
        return read_csv((_read_text(f) for f in files), csv_weights)
    if kind == LIBSVM:
        return read_libsvm(_read_text(f) for f in files)
    if kind == PARQUET:
        return read_parquet(f.read_bytes() for f in files)
    return read_recordio(f.read_bytes() for f in files)
