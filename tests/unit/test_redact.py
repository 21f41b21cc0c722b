"""sagemaker_lite.redact: credentials are masked in every context they are printed in; nothing else is."""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sagemaker_lite.redact import (
    MASK,
    RedactingFilter,
    is_secret_name,
    looks_like_secret_key,
    redact,
    redact_mapping,
)

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example secret key
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
TEMP_KEY_ID = "ASIAY34FZKBOKMUTVV7A"
SESSION_TOKEN = (
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDq0Dm1rbS8Xyz9tF0cM2hM5m7zkq4Fh0F3K0KcQ"
    "AiAp7U4Jv1YbEo2gwzN1H8KcO6d7sQ0yWn4Hc1s3Hj5tQ=="
)
OLD_SESSION_TOKEN = "FwoGZXIvYXdzEBAaDHGHH7GGhhggABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef"
SHA256 = hashlib.sha256(b"source").hexdigest()
SHA1 = hashlib.sha1(b"source").hexdigest()  # 40 hex characters: the length of a secret key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # access key ids, anywhere
        (f"using {KEY_ID} now", "using AKIA**************** now"),
        (f"Credential={KEY_ID}/20260101/us-west-2/sagemaker/aws4_request", None),
        (f"temporary {TEMP_KEY_ID}", "temporary ASIA****************"),
        # secret keys: environment, assignments, JSON, Python reprs, YAML, CLI, query strings
        (f"AWS_SECRET_ACCESS_KEY={SECRET}", "AWS_SECRET_ACCESS_KEY=****"),
        (f"export aws_secret_access_key = {SECRET}", "export aws_secret_access_key = ****"),
        (f'{{"SecretAccessKey": "{SECRET}", "AccessKeyId": "{KEY_ID}"}}', None),
        (f"{{'aws_secret_access_key': '{SECRET}'}}", "{'aws_secret_access_key': '****'}"),
        (f"secret_key: {SECRET}", "secret_key: ****"),
        (f"python train.py --aws-secret {SECRET} --epochs 3", "python train.py --aws-secret **** --epochs 3"),
        (f"train.py --creds={SECRET}", "train.py --creds=****"),
        (f"https://example.invalid/?key={SECRET}&x=1", "https://example.invalid/?key=****&x=1"),
        (f'{{"anything": "{SECRET}"}}', '{"anything": "****"}'),  # secret-shaped under any name
        (f"SM_HP_SOME_VALUE={SECRET}", "SM_HP_SOME_VALUE=****"),
        # session tokens: bare, in headers, in environment lines
        (f"token is {SESSION_TOKEN} ok", "token is **** ok"),
        (f"X-Amz-Security-Token: {OLD_SESSION_TOKEN}", "X-Amz-Security-Token: ****"),
        (f"AWS_SESSION_TOKEN={OLD_SESSION_TOKEN}", "AWS_SESSION_TOKEN=****"),
        ("AWS_SESSION_TOKEN=short-and-odd", "AWS_SESSION_TOKEN=****"),
        # other secrets named as such, as hyperparameters and environment reach the container
        ("SM_HP_DB_PASSWORD=hunter2", "SM_HP_DB_PASSWORD=****"),
        ('SM_HPS={"api_key":"abc123","epochs":3}', 'SM_HPS={"api_key":"****","epochs":3}'),
        ('SM_USER_ARGS=["--hf_token","hf_abcdef","--lr","0.1"]', 'SM_USER_ARGS=["--hf_token","****","--lr","0.1"]'),
        ("train.py --db_password hunter2 --epochs 3", "train.py --db_password **** --epochs 3"),
        ("WANDB_API_KEY=0123abcd", "WANDB_API_KEY=****"),
        ('{"token": 12345}', '{"token": ****}'),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", "Authorization: Bearer ****"),
        ('{"password": "with \\" quote"}', '{"password": "****"}'),
    ],
)
def test_credentials_are_masked(text: str, expected: str | None) -> None:
    cleaned = redact(text)
    for secret in (SECRET, KEY_ID, TEMP_KEY_ID, SESSION_TOKEN, OLD_SESSION_TOKEN, "hunter2", "abc123", "hf_abcdef"):
        assert secret not in cleaned
    if expected is not None:
        assert cleaned == expected
    assert redact(cleaned) == cleaned  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        f"sourcedir-{SHA256}.tar.gz",
        f"sha256={SHA256}",
        f'{{"sha256": "{SHA256}"}}',
        f"sha1={SHA1}",  # 40 characters, like a secret key, but hex
        f'{{"ETag": "{SHA1}"}}',
        f"commit {SHA1.upper()}",
        f"x-amz-checksum-sha256: {'A' * 43}=",
        f"id={uuid.UUID(int=12345)}",
        "arn:aws:sagemaker:us-west-2:123456789012:training-job/tf-2026-11-21-21-47-35-123",
        "s3://bucket/Path/To/Some/Model/Artifacts123",
        "SM_MODEL_DIR=/opt/ml/model/SavedModelDir/Variables01",
        "nextToken=f/38383838383838383838383838383838383838383838383838383838",
        '{"nextForwardToken": "f/00000000000000000000000000000000000000000000000000000001"}',
        "pad_token=<pad> eos_token=</s> max_tokens=256",
        "name=ThisIsAVeryLongCamelCaseIdentifierNameXY",  # 40 letters, no digit
        "epoch 3: loss=0.2531 accuracy=0.91",
        "2026-11-21 21:47:35 Training - Training image download completed. Training in progress.",
        "--model_dir s3://bucket/tf/job/model --epochs 10",
        "kms_key=arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_names() -> None:
    for name in (
        "aws_secret_access_key",
        "AWS_SESSION_TOKEN",
        "X-Amz-Security-Token",
        "db_password",
        "HF_TOKEN",
        "SecretAccessKey",
        "SessionToken",
        "api_key",
        "WANDB_API_KEY",
        "private_key",
        "token",
        "Passphrase",
    ):
        assert is_secret_name(name), name
    for name in (
        "nextToken",
        "NextToken",
        "nextForwardToken",
        "pad_token",
        "max_tokens",
        "kms_key",
        "s3_key",
        "aws_access_key_id",
        "AccessKeyId",
        "epochs",
        "tokenizer",
        "model_dir",
    ):
        assert not is_secret_name(name), name


def test_secret_key_shape() -> None:
    assert looks_like_secret_key(SECRET)
    assert not looks_like_secret_key(SHA1)
    assert not looks_like_secret_key(SECRET[:39])
    assert not looks_like_secret_key("/" + SECRET[1:])


def test_redact_mapping() -> None:
    hyperparameters: dict[str, Any] = {
        "epochs": 10,
        "lr": "0.1",
        "api_token": "abc",
        "use_token": True,
        "nested": {"password": 1234, "aws_secret_access_key": None, "note": f"key {KEY_ID}"},
        "list": [SECRET, "plain", {"secret": "x"}],
        "anything": SECRET,
        "sha256": SHA256,
    }
    original = json.loads(json.dumps(hyperparameters))
    assert redact_mapping(hyperparameters) == {
        "epochs": 10,
        "lr": "0.1",
        "api_token": MASK,
        "use_token": True,
        "nested": {"password": MASK, "aws_secret_access_key": None, "note": "key AKIA****************"},
        "list": [MASK, "plain", {"secret": MASK}],
        "anything": MASK,
        "sha256": SHA256,
    }
    assert hyperparameters == original  # a copy; the input is untouched


def test_logging_filter(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("sagemaker_lite.test_redact")
    redacting = RedactingFilter()
    logger.addFilter(redacting)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("env %s and %s", f"AWS_SECRET_ACCESS_KEY={SECRET}", {"password": "hunter2"})
            logger.info("epochs: %d", 3)
    finally:
        logger.removeFilter(redacting)
    assert caplog.messages == ["env AWS_SECRET_ACCESS_KEY=**** and {'password': '****'}", "epochs: 3"]


_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
secret_keys = (
    st.text(alphabet=_BASE64, min_size=40, max_size=40)
    .map(lambda s: "A" + s[1:38] + "a1" if s[0] == "/" else s[:38] + "a1")
    .filter(lambda s: any(c.isupper() for c in s))
)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(secret=secret_keys, name=names, form=st.sampled_from(["{}={}", '"{}": "{}"', "'{}': '{}'", "--{} {}", "{}: {}"]))
def test_any_secret_key_in_any_key_value_context_is_masked(secret: str, name: str, form: str) -> None:
    line = "prefix " + form.format(name, secret) + " suffix"
    assert secret not in redact(line)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(min_size=1, max_size=64), form=st.sampled_from(["{}", "sha={}", '"digest": "{}"', "--sha {}"]))
def test_hex_digests_are_never_masked(data: bytes, form: str) -> None:
    for digest in (hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()):
        line = form.format(digest)
        assert redact(line) == line


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_redact_is_idempotent_and_total(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


def test_module_is_pure() -> None:
    import sagemaker_lite.redact as module

    source = inspect.getsource(module)
    for forbidden in ("import boto", "open(", "os.environ", "print("):
        assert forbidden not in source


# --- where the SDK prints: every call site redacts (docs/robustness.md lists them) ---


def test_printed_log_lines_and_status_messages_are_redacted(scripted: Any) -> None:
    from sagemaker_lite import Session
    from sagemaker_lite._retry import PollingPolicy
    from sagemaker_lite.jobs import TrainingJob

    scripted.sagemaker.script_job(
        "leaky", [("InProgress", "Starting", f"Starting with {KEY_ID}"), ("Completed", "Completed")]
    )
    scripted.logs.add_log_lines(
        "leaky", "algo-1", [f"AWS_SECRET_ACCESS_KEY={SECRET}", "epoch 1", f"token {SESSION_TOKEN}"]
    )
    session = Session(boto_session=scripted.boto_session(), polling=PollingPolicy(initial=0, maximum=0, jitter=0))
    request = {
        "TrainingJobName": "leaky",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/R",
        "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }
    printed: list[str] = []
    TrainingJob.start_new(session, request).wait(logs="All", printer=printed.append)
    text = "\n".join(printed)
    assert "epoch 1" in text and "AWS_SECRET_ACCESS_KEY=****" in text
    for secret in (SECRET, KEY_ID, SESSION_TOKEN):
        assert secret not in text


def test_error_messages_are_redacted() -> None:
    from sagemaker_lite.errors import EndpointFailedError, JobFailedError, PartialFailureError, ValidationError

    errors = [
        ValidationError("environment", {"AWS_SECRET_ACCESS_KEY": SECRET, "A": 1}, "str values"),
        JobFailedError("job", f"AlgorithmError: bad key {KEY_ID}", last_log_lines=[f"--api_key {SECRET}"]),
        EndpointFailedError("ep", f"token={SESSION_TOKEN}"),
        PartialFailureError(f"stopped: HF_TOKEN=hf_secret {KEY_ID}", created=[("model", "m")], cleanup="x"),
    ]
    for error in errors:
        for secret in (SECRET, KEY_ID, SESSION_TOKEN, "hf_secret"):
            assert secret not in str(error), str(error)


def test_estimator_and_model_reprs_are_redacted() -> None:
    from sagemaker_lite.estimator import Estimator
    from sagemaker_lite.model import Model

    estimator = Estimator(
        "img",
        "arn:aws:iam::123456789012:role/R",
        1,
        "ml.m5.large",
        environment={"AWS_SECRET_ACCESS_KEY": SECRET},
        hyperparameters={"api_key": "abc123", "epochs": 3},
    )
    model = Model("img", "s3://bucket/m.tar.gz", env={"HF_TOKEN": "hf_secret", "AWS_ACCESS_KEY_ID": KEY_ID})
    for text in (repr(estimator), repr(model)):
        for secret in (SECRET, "abc123", "hf_secret", KEY_ID):
            assert secret not in text, text
    assert "'epochs': 3" in repr(estimator)


# --- issue 11 item 9: URL passwords, Authorization headers, PEM private keys, token formats ---------

GITHUB_TOKEN = "ghp_" + "Ab1" * 12  # 36 characters after the prefix, as GitHub issues them
FINE_GRAINED = "github_pat_11ABCDEFG0" + "x9Y" * 20
HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz01234567"
OPENAI = "sk-proj-" + "Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789"
ANTHROPIC = "sk-ant-api03-" + "Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789"
SLACK_BOT = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_USER = "xoxp-1234567890-1234567890123-1234567890123-0123456789abcdef0123456789abcdef"
PEM_BODY = ["MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF", "abcdEFGH0123=="]
PEM = "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *PEM_BODY, "-----END RSA PRIVATE KEY-----"])


@pytest.mark.parametrize(
    ("text", "expected", "secret"),
    [
        (
            "git clone https://alice:s3cr3tP4ss@github.com/o/r.git",
            "git clone https://alice:****@github.com/o/r.git",
            "s3cr3tP4ss",
        ),
        ("DATABASE_URL=postgres://app:pw1234@db:5432/x", "DATABASE_URL=postgres://app:****@db:5432/x", "pw1234"),
        ("pip index https://__token__:pypi-AgEIcHlwaS5vcmc@pypi.org/simple", None, "pypi-AgEIcHlwaS5vcmc"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic ****", "dXNlcjpwYXNzd29yZA"),
        ("Authorization: token abc123def456", "Authorization: token ****", "abc123def456"),
        ("{'Authorization': 'token abc123def456'}", "{'Authorization': 'token ****'}", "abc123def456"),
        (
            "curl -H 'Proxy-Authorization: Basic Zm9vOmJhcg==' x",
            "curl -H 'Proxy-Authorization: Basic ****' x",
            "Zm9vOmJhcg",
        ),
        ("auth header Basic dXNlcjpwYXNzd29yZA== sent", "auth header Basic **** sent", "dXNlcjpwYXNzd29yZA"),
        (f"using {GITHUB_TOKEN} now", "using ghp_**** now", GITHUB_TOKEN),
        (f"GH={FINE_GRAINED}", "GH=github_pat_****", FINE_GRAINED),
        (f"login({HF!r})", "login('hf_****')", HF),
        (f"client = OpenAI(api={OPENAI})", "client = OpenAI(api=sk-proj-****)", OPENAI),
        (f"key {ANTHROPIC}", "key sk-ant-****", ANTHROPIC),
        (f"slack {SLACK_BOT} and {SLACK_USER}", "slack xoxb-**** and xoxp-****", SLACK_BOT),
        (
            f"before\n{PEM}\nafter",
            "before\n-----BEGIN RSA PRIVATE KEY-----\n****\n-----END RSA PRIVATE KEY-----\nafter",
            PEM_BODY[0],
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA",
            "-----BEGIN OPENSSH PRIVATE KEY-----\n****",
            "b3BlbnNz",
        ),
    ],
)
def test_more_secret_formats_are_masked(text: str, expected: str | None, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned, cleaned
    if expected is not None:
        assert cleaned == expected
    assert redact(cleaned) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "using sk-learn-compatible-estimator-interface-version",  # an sk- word, lower case, no digits
        "task-learning-rate-schedule-for-warmup-steps-1234",
        "http://localhost:8080/invocations",
        "s3://bucket/key:with:colons@2x.png",
        "user@example.com wrote: epoch 3",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
        "hf_hub_download(repo_id='bert-base-uncased')",
        "model ghp_short",
        "Authorization required for this bucket",
    ],
)
def test_lookalikes_of_new_formats_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_a_private_key_printed_line_by_line_is_masked_whole() -> None:
    from sagemaker_lite.redact import LineRedactor, redact_lines

    lines = ["epoch 1", *(f"[algo-1] {line}" for line in PEM.splitlines()), "[algo-1] epoch 2"]
    cleaned = redact_lines(lines)
    assert cleaned[0] == "epoch 1" and cleaned[-1] == "[algo-1] epoch 2"
    for part in PEM_BODY:
        assert not any(part in line for line in cleaned), cleaned
    # a key cut off mid-way hides only lines that look like a PEM body
    cut = LineRedactor()
    out = [
        cut(line) for line in ["-----BEGIN EC PRIVATE KEY-----", "MHcCAQEEIBYr0123", "Traceback (most recent):", "x"]
    ]
    assert out == ["-----BEGIN EC PRIVATE KEY-----****", MASK, "Traceback (most recent):", "x"]


def test_fit_output_and_job_failed_error_mask_the_new_formats(scripted: Any) -> None:
    from sagemaker_lite import Session
    from sagemaker_lite._retry import PollingPolicy
    from sagemaker_lite.errors import JobFailedError
    from sagemaker_lite.jobs import TrainingJob

    leaked = [
        "cloning https://bot:hunter2pw@git.example.com/repo.git",
        f"HF login with {HF}",
        "Authorization: token abc123def456",
        *PEM.splitlines(),
        f"openai key {OPENAI}",
    ]
    scripted.sagemaker.script_job(
        "leaky2", [("InProgress", "Training", "Training"), ("Failed", "Failed", f"AlgorithmError: {GITHUB_TOKEN}")]
    )
    scripted.logs.add_log_lines("leaky2", "algo-1", leaked)
    session = Session(boto_session=scripted.boto_session(), polling=PollingPolicy(initial=0, maximum=0, jitter=0))
    request = {
        "TrainingJobName": "leaky2",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/R",
        "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }
    printed: list[str] = []
    with pytest.raises(JobFailedError) as info:
        TrainingJob.start_new(session, request).wait(logs="All", printer=printed.append)
    for text in ("\n".join(printed), str(info.value)):
        assert "HF login with hf_****" in text
        for secret in ("hunter2pw", HF, "abc123def456", *PEM_BODY, OPENAI, GITHUB_TOKEN):
            assert secret not in text, text


def test_a_long_word_is_redacted_in_linear_time() -> None:
    """A 200,000-character word (a base64 blob, a tqdm line without newlines) took the redactor
    hours: every position of the word was tried as the start of a ``key=value`` name. Now it
    is one pass; this completes in well under a second (no timing asserted: on the old code it
    does not complete within any CI run)."""
    word = "x" * 200_000
    assert redact(word) == word
    assert redact(f"'note': '{word}'") == f"'note': '{word}'"
    assert redact(f"api_key={word}") == "api_key=****"
