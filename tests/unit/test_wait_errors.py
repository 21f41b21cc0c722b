"""A wait that fails because the service stopped answering says the job is unaffected (issue 11, item 5).

Before: with the server gone mid-fit, ``fit()`` retried silently for minutes, then raised a bare
botocore error. Now each retry is printed as it waits (logger ``sagemaker_lite``) and, when the
call's retries are spent, the wait says the job may still be running and how to resume.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support.scripted import ScriptedAWS
from support.waiting import TRAINING, make_estimator, make_session


def test_a_wait_whose_describes_keep_failing_says_the_job_is_unaffected(
    scripted: ScriptedAWS, fast_retries: Any, capsys: Any, caplog: Any
) -> None:
    scripted.sagemaker.script_job("job-gone", [*TRAINING, ("Completed", "Completed")])
    est = make_estimator(make_session(scripted, max_attempts=3))
    est.fit("s3://in-bucket/train", job_name="job-gone", wait=False)
    scripted.sagemaker.fail_next("DescribeTrainingJob", 3, code="InternalFailure")
    caplog.set_level(logging.WARNING, logger="sagemaker_lite")
    with pytest.raises(ClientError):
        est.latest_training_job.wait(logs=False)
    out = capsys.readouterr().out
    assert "may still be running" in out and "Estimator.attach('job-gone')" in out
    retries = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(retries) == 2 and all("DescribeTrainingJob: InternalFailure" in line for line in retries)
