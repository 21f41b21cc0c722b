"""PURE: the SageMaker training-container contract for one host, as the training toolkit computes it.

A script-mode container runs the sagemaker-training toolkit, which reads
``/opt/ml/input/config/*.json`` and hands the user's script command-line arguments and
``SM_*`` variables. Local mode plays both roles (the platform that writes the files and
the toolkit that derives the variables), so the rules are restated here, fact for fact:

* hyperparameter values are JSON-decoded when they parse (``"5"`` -> ``5``,
  ``"\\"train.py\\""`` -> ``"train.py"``), otherwise kept as sent (``"train.py"``);
* ``sagemaker_*`` hyperparameters (and ``_tuning_objective_metric``,
  ``default_user_module_name``) are the toolkit's, never the script's;
* arguments are ``--key value`` sorted by key (``-k`` for one-letter keys); a dict value
  becomes ``k1=v1,k2=v2``, anything else ``str(value)`` (so ``True`` -> ``"True"``,
  ``[1, 2]`` -> ``"[1, 2]"``);
* ``SM_<NAME>`` values are strings as-is, ``None`` as ``""``, everything else compact JSON
  with sorted keys.

No I/O happens here; ``job.py`` supplies the directories, CPU/GPU counts and environment.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

TOOLKIT_HYPERPARAMETERS = (
    "sagemaker_program",
    "sagemaker_submit_directory",
    "sagemaker_enable_cloudwatch_metrics",
    "sagemaker_region",
    "sagemaker_container_log_level",
    "sagemaker_job_name",
    "default_user_module_name",
    "_tuning_objective_metric",
    "sagemaker_s3_output",
)
DISTRIBUTION_FLAGS = (
    "sagemaker_mpi_enabled",
    "sagemaker_parameter_server_enabled",
    "sagemaker_pytorch_xla_multi_worker_enabled",
    "sagemaker_multi_worker_mirrored_strategy_enabled",
    "sagemaker_torch_distributed_enabled",
)
HOMOGENEOUS_GROUP = "homogeneousCluster"
NETWORK_INTERFACE = "eth0"
DEFAULT_LOG_LEVEL = 20  # logging.INFO, the toolkit's default
_SAFE_ENTRY_POINT = re.compile(r"^[A-Za-z0-9_+][A-Za-z0-9._+\-/]*$")


@dataclass(frozen=True)
class Host:
    """One simulated instance: ``algo-<n>``, its instance type and instance group."""

    name: str
    instance_type: str
    group: str


def plan_hosts(resource_config: Mapping[str, Any]) -> list[Host]:
    """``ResourceConfig`` of the request -> hosts ``algo-1`` ... ``algo-N`` (instance groups in order)."""
    groups = resource_config.get("InstanceGroups") or [
        {
            "InstanceGroupName": HOMOGENEOUS_GROUP,
            "InstanceType": resource_config.get("InstanceType", "local"),
            "InstanceCount": resource_config.get("InstanceCount", 1),
        }
    ]
    hosts: list[Host] = []
    for group in groups:
        for _ in range(int(group["InstanceCount"])):
            hosts.append(Host(f"algo-{len(hosts) + 1}", str(group["InstanceType"]), str(group["InstanceGroupName"])))
    return hosts


def resource_config(host: Host, hosts: Sequence[Host]) -> dict[str, Any]:
    """The ``resourceconfig.json`` SageMaker writes on ``host``."""
    groups: dict[str, dict[str, Any]] = {}
    for other in hosts:
        group = groups.setdefault(
            other.group, {"instance_group_name": other.group, "instance_type": other.instance_type, "hosts": []}
        )
        group["hosts"].append(other.name)
    return {
        "current_host": host.name,
        "current_instance_type": host.instance_type,
        "current_group_name": host.group,
        "hosts": sorted((h.name for h in hosts), key=_host_order),
        "instance_groups": list(groups.values()),
        "network_interface_name": NETWORK_INTERFACE,
    }


def _host_order(name: str) -> tuple[int, str]:
    suffix = name.rsplit("-", 1)[-1]
    return (int(suffix), name) if suffix.isdigit() else (0, name)


def input_data_config(
    channels: Sequence[Mapping[str, Any]], job_input_mode: str, group: str | None = None
) -> dict[str, dict[str, str]]:
    """The ``inputdataconfig.json`` SageMaker writes: one entry per channel this host's group receives."""
    config: dict[str, dict[str, str]] = {}
    for channel in channels:
        s3 = (channel.get("DataSource") or {}).get("S3DataSource") or {}
        groups = s3.get("InstanceGroupNames")
        if groups and group is not None and group not in groups:
            continue
        entry = {
            "TrainingInputMode": str(channel.get("InputMode") or job_input_mode),
            "S3DistributionType": str(s3.get("S3DataDistributionType") or "FullyReplicated"),
            "RecordWrapperType": str(channel.get("RecordWrapperType") or "None"),
        }
        if channel.get("ContentType"):
            entry["ContentType"] = str(channel["ContentType"])
        config[str(channel["ChannelName"])] = entry
    return config


def decode_hyperparameters(raw: Mapping[str, str]) -> dict[str, Any]:
    """JSON-decode each value that parses; keep the others as sent (the toolkit's rule)."""
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            decoded[key] = json.loads(value)
        except (TypeError, ValueError):
            decoded[key] = value
    return decoded


def split_hyperparameters(decoded: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(toolkit hyperparameters, the script's hyperparameters)."""
    toolkit = {k: v for k, v in decoded.items() if k in TOOLKIT_HYPERPARAMETERS or k.startswith("sagemaker_")}
    return toolkit, {k: v for k, v in decoded.items() if k not in toolkit}


def entry_point(raw_hyperparameters: Mapping[str, str], environment: Mapping[str, str]) -> str | None:
    """The script to run: ``SAGEMAKER_PROGRAM`` in the environment, else ``sagemaker_program``."""
    if environment.get("SAGEMAKER_PROGRAM"):
        return environment["SAGEMAKER_PROGRAM"]
    program = decode_hyperparameters(raw_hyperparameters).get("sagemaker_program")
    return None if program is None else str(program)


def entry_point_problem(name: str) -> str | None:
    """Why ``name`` cannot be an entry point (the toolkit's rule), or None when it can."""
    if not name:
        return "the entry point name is empty"
    if not _SAFE_ENTRY_POINT.match(name):
        return (
            f"the entry point {name!r} must be a relative path of letters, digits and '._+-/', "
            "not starting with '-', '.' or '/'"
        )
    if any(segment in (".", "..") for segment in name.split("/")):
        return f"the entry point {name!r} must not contain '.' or '..' path segments"
    return None


def entry_point_kind(name: str, code_files: Sequence[str]) -> str:
    """``"command"``, ``"package"`` or ``"program"``, decided the way the toolkit decides."""
    if name.endswith(".sh"):
        return "command"
    if "setup.py" in code_files:
        return "package"
    return "program" if name.endswith(".py") else "command"


def module_name(program: str) -> str:
    return program[:-3] if program.endswith(".py") else program


def _arg_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin1")
    return str(value)


def to_cmd_args(hyperparameters: Mapping[str, Any]) -> list[str]:
    """``{"epochs": 2, "lr": 0.1}`` -> ``["--epochs", "2", "--lr", "0.1"]`` (sorted; see module doc)."""
    args: list[str] = []
    for key in sorted(hyperparameters):
        name = _arg_text(key)
        args.append(("--" if len(name) > 1 else "-") + name if name else "")
        value = hyperparameters[key]
        if isinstance(value, Mapping):
            args.append(",".join(f"{k}={v}" for k, v in sorted(value.items())))
        else:
            args.append(_arg_text(value))
    return args


def env_value(value: Any) -> str:
    """How the toolkit writes one ``SM_*`` value."""
    if isinstance(value, bytes):
        return value.decode("latin1")
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@dataclass(frozen=True)
class HostContext:
    """Everything ``training_environment`` needs that is not in the config files."""

    base_dir: str
    job_name: str
    num_cpus: int
    num_gpus: int
    region: str
    container_env: Mapping[str, str]


def container_path(value: Any, base: str) -> Any:
    """``/opt/ml/...`` in a hyperparameter (TensorFlow's default ``model_dir`` in local mode) -> the host's dir.

    On SageMaker those paths exist inside the container; here the host directory plays
    ``/opt/ml``, so the script gets the path that works on this machine. The path is
    normalised first: ``/opt/ml/../../etc`` is not under ``/opt/ml`` and is passed unchanged.
    """
    if isinstance(value, str) and base != "/opt/ml" and value.startswith("/opt/ml"):
        inside = inside_opt_ml(value)
        if inside is not None:
            return base + ("/" + inside if inside else "")
    return value


def inside_opt_ml(path: str) -> str | None:
    """``/opt/ml/a/../b`` -> ``"b"``; ``/opt/ml`` -> ``""``; None when the normalised path leaves ``/opt/ml``."""
    normal = posixpath.normpath(path) if path.startswith("/") else None
    if normal == "/opt/ml":
        return ""
    if normal is None or not normal.startswith("/opt/ml/"):
        return None
    return normal[len("/opt/ml/") :]


#: container directories a CreateTrainingJob request names, with the estimator argument that sets each
CONTAINER_PATH_FIELDS = (
    (("CheckpointConfig",), "checkpoint_local_path"),
    (("DebugHookConfig",), "debugger_hook_config.container_local_output_path"),
    (("TensorBoardOutputConfig",), "tensorboard_output_config.container_local_output_path"),
    (("DebugRuleConfigurations", "[]"), "rules[{index}].container_local_output_path"),
    (("ProfilerRuleConfigurations", "[]"), "rules[{index}].container_local_output_path"),
)


def container_path_problems(request: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(argument, value) for each ``LocalPath`` of the request that is not a confined container path.

    Why: locally ``/opt/ml`` is a directory on the user's disk, and the job restores
    checkpoints into, and uploads from, the directory a ``LocalPath`` names. A path must
    be absolute and, once normalised, stay inside ``/opt/ml`` if it starts there
    (``/opt/ml/../../home/me`` would otherwise reach any host directory). Paths outside
    ``/opt/ml`` are served from the host's own directory (``checkpoints/``), never the real one.
    """
    problems: list[tuple[str, str]] = []
    for (field, *many), argument in CONTAINER_PATH_FIELDS:
        value = request.get(field)
        entries = list(value or []) if many else ([value] if value else [])
        for index, entry in enumerate(entries):
            local = entry.get("LocalPath") if isinstance(entry, Mapping) else None
            if local is None:
                continue
            text = str(local)
            escapes = ".." in PurePosixPath(text).parts and inside_opt_ml(text) in (None, "")
            if not text.startswith("/") or escapes or inside_opt_ml(text) == "":
                problems.append((argument.format(index=index), text))
    return problems


def relocate_hyperparameters(raw: Mapping[str, str], base: str) -> dict[str, str]:
    """``hyperparameters.json`` for a host whose ``/opt/ml`` is ``base`` (the relocation fallback).

    Rewrites the values ``container_path`` rewrites for the script's arguments, keeping each
    value's encoding (JSON stays JSON), so the toolkit reading this file and the script's
    argv agree.
    """
    relocated: dict[str, str] = {}
    for key, value in raw.items():
        try:
            decoded, encoded = json.loads(value), True
        except (TypeError, ValueError):
            decoded, encoded = value, False
        moved = container_path(decoded, base)
        relocated[key] = value if moved == decoded else (json.dumps(moved) if encoded else str(moved))
    return relocated


def training_environment(
    context: HostContext,
    resource: Mapping[str, Any],
    data_config: Mapping[str, Any],
    raw_hyperparameters: Mapping[str, str],
) -> tuple[dict[str, str], list[str]]:
    """(variables the script sees on top of the container's, its command-line arguments).

    Mirrors ``sagemaker_training.environment.Environment`` + ``to_env_vars()`` +
    ``to_cmd_args()``, plus what the toolkit process itself exports before starting the
    script (``SAGEMAKER_JOB_NAME``, ``CURRENT_HOST``, ``SAGEMAKER_REGION``).
    """
    base = context.base_dir
    env_in = context.container_env
    toolkit_hps, user_hps = split_hyperparameters(decode_hyperparameters(raw_hyperparameters))
    user_hps = {key: container_path(value, base) for key, value in user_hps.items()}
    framework_params = {k: v for k, v in toolkit_hps.items() if k not in TOOLKIT_HYPERPARAMETERS}
    program = env_in.get("SAGEMAKER_PROGRAM") or toolkit_hps.get("sagemaker_program")
    code_dir = f"{base}/code"
    current_host = str(resource["current_host"])
    group_name = str(resource.get("current_group_name", HOMOGENEOUS_GROUP))
    groups = list(resource.get("instance_groups", []))
    groups_dict = {g["instance_group_name"]: g for g in groups}
    group_hosts = next((list(g["hosts"]) for g in groups if g["instance_group_name"] == group_name), [])
    hosts = list(resource["hosts"])
    if "sagemaker_distribution_instance_groups" in framework_params:
        distribution_groups = framework_params["sagemaker_distribution_instance_groups"]
    else:
        distribution_groups = [group_name] if any(framework_params.get(f) for f in DISTRIBUTION_FLAGS) else []
    if groups:
        distribution_hosts = [h for g in groups if g["instance_group_name"] in distribution_groups for h in g["hosts"]]
    else:
        distribution_hosts = list(hosts)
    master = distribution_hosts[0] if distribution_hosts else hosts[0]
    mp_parameters = env_in.get("SM_HP_MP_PARAMETERS")
    channel_dirs = {name: f"{base}/input/data/{name}" for name in data_config}
    args = to_cmd_args(user_hps)
    props: dict[str, Any] = {
        "additional_framework_parameters": framework_params,
        "channel_input_dirs": channel_dirs,
        "current_host": current_host,
        "current_instance_group": group_name,
        "current_instance_group_hosts": group_hosts,
        "current_instance_type": resource.get("current_instance_type", "local"),
        "distribution_hosts": distribution_hosts,
        "distribution_instance_groups": distribution_groups,
        "framework_module": env_in.get("SAGEMAKER_TRAINING_MODULE"),
        "hosts": hosts,
        "hyperparameters": user_hps,
        "input_config_dir": f"{base}/input/config",
        "input_data_config": dict(data_config),
        "input_dir": f"{base}/input",
        "instance_groups": [g["instance_group_name"] for g in groups],
        "instance_groups_dict": groups_dict,
        "is_hetero": len(groups) > 1,
        "is_master": current_host == master,
        "is_modelparallel_enabled": mp_parameters and mp_parameters != "{}",
        "is_smddpmprun_installed": False,
        "is_smddprun_installed": False,
        "job_name": context.job_name,
        "log_level": toolkit_hps.get("sagemaker_container_log_level", DEFAULT_LOG_LEVEL),
        "master_hostname": master,
        "model_dir": f"{base}/model",
        "module_dir": str(toolkit_hps.get("sagemaker_submit_directory", code_dir)),
        "module_name": module_name(str(program)),
        "network_interface_name": resource.get("network_interface_name", NETWORK_INTERFACE),
        "num_cpus": context.num_cpus,
        "num_gpus": context.num_gpus,
        "num_neurons": 0,
        "output_data_dir": f"{base}/output/data",
        "output_dir": f"{base}/output",
        "output_intermediate_dir": f"{base}/output/intermediate",
        "resource_config": dict(resource),
        "topology": list(resource.get("topology", [])),
        "user_entry_point": program,
    }
    exported = {
        "hosts": hosts,
        "network_interface_name": props["network_interface_name"],
        "hps": user_hps,
        "user_entry_point": program,
        "framework_params": framework_params,
        "resource_config": props["resource_config"],
        "input_data_config": props["input_data_config"],
        "output_data_dir": props["output_data_dir"],
        "channels": sorted(channel_dirs),
        "current_host": current_host,
        "current_instance_type": props["current_instance_type"],
        "current_instance_group": group_name,
        "current_instance_group_hosts": group_hosts,
        "instance_groups": props["instance_groups"],
        "instance_groups_dict": groups_dict,
        "distribution_instance_groups": distribution_groups,
        "is_hetero": props["is_hetero"],
        "module_name": props["module_name"],
        "log_level": props["log_level"],
        "framework_module": props["framework_module"],
        "input_dir": props["input_dir"],
        "input_config_dir": props["input_config_dir"],
        "output_dir": props["output_dir"],
        "num_cpus": context.num_cpus,
        "num_gpus": context.num_gpus,
        "num_neurons": 0,
        "model_dir": props["model_dir"],
        "module_dir": props["module_dir"],
        "training_env": props,
        "user_args": args,
        "output_intermediate_dir": props["output_intermediate_dir"],
    }
    if props["topology"]:
        exported["topology"] = props["topology"]
    exported.update({f"channel_{name}": path for name, path in channel_dirs.items()})
    exported.update({f"hp_{key}": value for key, value in user_hps.items()})
    env = {f"SM_{key.upper()}": env_value(value) for key, value in exported.items()}
    env["SAGEMAKER_JOB_NAME"] = env_value(toolkit_hps.get("sagemaker_job_name", ""))
    env["CURRENT_HOST"] = current_host
    env["SAGEMAKER_REGION"] = env_value(toolkit_hps.get("sagemaker_region", context.region))
    return env, args
