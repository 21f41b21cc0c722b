"""A Pipe-mode sample as written for SageMaker: PipeModeDataset("train", record_format="TFRecord"), no paths.

``sagemaker-tensorflow`` cannot load into this TensorFlow, so the job's source directory vendors the
stand-in in tests/local/standins (its README says how faithful it is); the /opt/ml paths it defaults to
are real inside the host's container.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from local_helpers import file_channel, job_logs, training_request, wait_for, write_code

from sagemaker_lite.local import LocalSageMakerClient

pytestmark = pytest.mark.local

STANDINS = Path(__file__).parent / "standins"

SCRIPT = """
import tensorflow as tf
from sagemaker_tensorflow import PipeModeDataset

features = {"x": tf.io.FixedLenFeature([], tf.int64)}
ds = PipeModeDataset("train", record_format="TFRecord").repeat(3)
values = [int(tf.io.parse_single_example(r, features)["x"]) for r in ds]
check(values == list(range(10)) * 3, values)
check(open("/opt/ml/pipe_state/.train-pipe_mode-state").read() == "3", "three pipes read")
check(os.path.exists("/opt/ml/input/data/train_3"), "the fourth epoch's pipe is ready")
print("read", len(values), "records in 3 epochs", flush=True)
"""


def write_tfrecords(directory: Path) -> None:
    import tensorflow as tf

    directory.mkdir()
    for part, numbers in (("part-0.tfrecord", range(0, 6)), ("part-1.tfrecord", range(6, 10))):
        with tf.io.TFRecordWriter(str(directory / part)) as writer:
            for number in numbers:
                feature = {"x": tf.train.Feature(int64_list=tf.train.Int64List(value=[number]))}
                writer.write(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())


def test_pipe_mode_dataset_reads_three_epochs(client: LocalSageMakerClient, local_root: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_tfrecords(data)
    code = write_code(tmp_path / "code", SCRIPT)
    shutil.copytree(STANDINS / "sagemaker_tensorflow", code / "sagemaker_tensorflow")
    request = training_request(
        "pipe-dataset",
        code,
        output=f"file://{tmp_path / 'out'}",
        channels=[file_channel("train", data, mode="Pipe")],
    )
    client.create_training_job(**request)
    description = wait_for(client, "pipe-dataset", timeout=180)
    logs = job_logs(local_root, "pipe-dataset")
    assert description["TrainingJobStatus"] == "Completed", logs
    assert "read 30 records in 3 epochs" in logs
