"""Processing jobs against the real moto server: run (wait and logs), attach, describe.

moto 5.2.1 completes a processing job at once and keeps the request's fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.moto_server import MotoHandle

from sagemaker_lite import Session
from sagemaker_lite._retry import PollingPolicy
from sagemaker_lite.processing import ProcessingInput, ProcessingJob, ProcessingOutput, Processor, ScriptProcessor

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-processing:latest"
NO_SLEEP = PollingPolicy(initial=0.0, maximum=0.0, jitter=0.0, sleep=lambda _: None)


def test_script_processor_run_attach_round_trip(moto: MotoHandle, tmp_path: Path, capsys: Any) -> None:
    session = Session(boto_session=moto.boto_session(), endpoint_url=moto.url, polling=NO_SLEEP)
    script = tmp_path / "preprocess.py"
    script.write_text("print('hello')\n")
    data = tmp_path / "raw.csv"
    data.write_text("1,2\n")
    processor = ScriptProcessor(
        command=["python3"],
        image_uri=IMAGE,
        role=ROLE,
        instance_count=1,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
        env={"MODE": "fast"},
    )
    job = processor.run(
        code=str(script),
        inputs=[ProcessingInput(source=str(data), destination="/opt/ml/processing/input")],
        outputs=[ProcessingOutput(source="/opt/ml/processing/output", output_name="clean")],
        arguments=["--ratio", "0.2"],
        job_name="prep-on-moto",
    )
    assert "Processing job prep-on-moto completed." in capsys.readouterr().out
    bucket = session.default_bucket()
    s3 = moto.client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["prep-on-moto/input/code/preprocess.py", "prep-on-moto/input/input-1/raw.csv"]
    description = job.describe()
    assert description["ProcessingJobStatus"] == "Completed"
    assert description["AppSpecification"]["ContainerEntrypoint"] == [
        "python3",
        "/opt/ml/processing/input/code/preprocess.py",
    ]

    attached = ProcessingJob.attach("prep-on-moto", sagemaker_session=session)
    assert [i.input_name for i in attached.inputs] == ["input-1", "code"]
    assert attached.inputs[0].source == f"s3://{bucket}/prep-on-moto/input/input-1/raw.csv"
    assert attached.outputs[0].destination == f"s3://{bucket}/prep-on-moto/output/clean"
    again = Processor.attach("prep-on-moto", sagemaker_session=session)
    # moto 5.2.1 leaves ProcessingResources and Environment out of DescribeProcessingJob
    # (the service returns both); what moto keeps must come back exactly
    assert again.image_uri == IMAGE and again.role == ROLE
    assert again.entrypoint == ["python3", "/opt/ml/processing/input/code/preprocess.py"]
    assert again.latest_job is not None and again.latest_job.job_name == "prep-on-moto"
