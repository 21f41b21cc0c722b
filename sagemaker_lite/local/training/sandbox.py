"""Per-host containers without Docker: Linux user, mount, network and UTS namespaces.

On SageMaker every host is a container: its ``/opt/ml`` is its own, ``algo-1`` ...
``algo-N`` resolve to the other containers, and every host can listen on the same port.
Local mode gives each host the same view, on Linux, without root and without Docker:

* one **job holder** process (``python -I -S``) creates a user namespace (the caller's
  uid mapped to root, so everything works unprivileged), a mount namespace and a
  job-private network namespace with a bridge; for every host it creates a network
  namespace (kept alive by a bind mount on ``<job>/ns/net-<host>``) with its own ``lo`` and an
  ``eth0`` (a veth whose peer sits on the bridge) holding ``10.254.x.y/16``. Nothing in
  these namespaces has a route anywhere else: hosts reach each other and nothing else,
  and nothing they listen on is reachable from outside the job. A single host lives in
  the job's network namespace itself (``lo`` only, ``algo-1`` is ``127.0.1.1``; no veth,
  no ``ip`` call). When ``/opt/ml`` does
  not exist on this machine, the holder mounts a tmpfs on ``/opt`` (in its private
  mount namespace only) that re-exposes every original entry of ``/opt`` by bind mount
  and adds an empty ``ml/`` mount point, so nothing is ever created on the real disk.
* every **host** starts (under its reaper, processes.py) through a tiny launcher
  (``python -I -S``, single-threaded, as ``setns(2)`` into a user namespace requires) that
  joins the holder's user and mount namespaces, takes a private copy of the mount table and a UTS namespace, joins its
  host's network namespace, bind-mounts its host directory on ``/opt/ml`` and the job's
  hosts file on ``/etc/hosts``, sets the hostname ``algo-<n>``, re-arms the parent-death
  signal (joining a user namespace clears it) and execs the script.

Why ctypes ``unshare``/``setns``/``mount`` in a launcher and not util-linux: Python 3.11
has no ``os.unshare``/``os.setns``; the ``unshare``/``nsenter`` commands would add one
process per step and cannot bind-mount the host directory between joining and exec, and
``preexec_fn`` is unsafe in our multi-threaded supervisor. ``ip`` (iproute2) is used only
for the veth/bridge plumbing (netlink), in one batched call per multi-host job; interfaces
are brought up and addressed with ioctls, without starting a process.

Where any of this is unavailable (not Linux, no ``ip``, a kernel or container runtime
that forbids user namespaces) or ``SAGEMAKER_LITE_NAMESPACES=off`` is set, ``start``
raises ``SandboxUnavailable`` and the job falls back to relocation (``SAGEMAKER_BASE_DIR``
and rewritten ``/opt/ml`` paths), with one warning per process saying what will not work.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

MODE_ENV = "SAGEMAKER_LITE_NAMESPACES"
CONTAINER_BASE = "/opt/ml"
NETWORK = "10.254.0.0/16"
_OFF = ("0", "off", "false", "no")

# Shared ctypes preamble of the holder and the launcher.
_PRELUDE = (
    "import ctypes,os,sys\n"
    "libc=ctypes.CDLL(None,use_errno=True)\n"
    "libc.mount.argtypes=[ctypes.c_char_p,ctypes.c_char_p,ctypes.c_char_p,ctypes.c_ulong,ctypes.c_void_p]\n"
    "NEWNS,NEWUTS,NEWUSER,NEWNET=0x20000,0x4000000,0x10000000,0x40000000\n"
    "BIND,REC,PRIVATE=4096,0x4000,1<<18\n"
    "def ok(r,what):\n"
    "    if r!=0:\n"
    "        e=ctypes.get_errno()\n"
    "        raise OSError(e,what+': '+os.strerror(e))\n"
    "def bind(src,dst,flags=BIND):\n"
    "    ok(libc.mount(src.encode(),dst.encode(),None,flags,None),'bind-mount '+src+' on '+dst)\n"
)

# argv: <config json>. Prints "ready" (or "error: ...") on stdout, then lives until stdin closes.
HOLDER = _PRELUDE + (
    "import fcntl,json,socket,struct\n"
    "cfg=json.loads(sys.argv[1])\n"
    "def ip(lines):\n"
    "    import subprocess\n"
    "    r=subprocess.run([cfg['ip'],'-b','-'],input='\\n'.join(lines)+'\\n',text=True,capture_output=True)\n"
    "    if r.returncode: raise OSError('ip: '+r.stderr.strip())\n"
    "def up(name,addr=None):\n"  # ioctls: no process to start for lo and the addresses
    "    s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
    "    n=name.encode()\n"
    "    if addr:\n"
    "        for req,a in ((0x8916,addr),(0x891c,'255.255.0.0')):\n"  # SIOCSIFADDR, SIOCSIFNETMASK
    "            fcntl.ioctl(s,req,struct.pack('16sHH4s8x8x',n,socket.AF_INET,0,socket.inet_aton(a)))\n"
    "    flags=struct.unpack('16sH',fcntl.ioctl(s,0x8913,struct.pack('16sH22x',n,0))[:18])[1]\n"  # SIOCGIFFLAGS
    "    fcntl.ioctl(s,0x8914,struct.pack('16sH22x',n,flags|1))\n"  # SIOCSIFFLAGS |= IFF_UP
    "    s.close()\n"
    "try:\n"
    "    uid,gid=os.getuid(),os.getgid()\n"
    "    ok(libc.unshare(NEWUSER|NEWNS|NEWNET),'unshare(user, mount, net)')\n"
    "    for f,v in (('setgroups','deny'),('uid_map','0 %d 1'%uid),('gid_map','0 %d 1'%gid)):\n"
    "        with open('/proc/self/'+f,'w') as h: h.write(v)\n"
    "    libc.prctl(1,9)\n"
    "    ok(libc.mount(b'none',b'/',None,REC|PRIVATE,None),'make / private')\n"
    "    if not os.path.isdir('/opt/ml'):\n"
    "        stash=cfg['dir']+'/opt'\n"
    "        os.mkdir(stash)\n"
    "        bind('/opt',stash,BIND|REC)\n"
    "        ok(libc.mount(b'tmpfs',b'/opt',b'tmpfs',0,b'mode=755'),'mount tmpfs on /opt')\n"
    "        for n in os.listdir(stash):\n"
    "            s,d=stash+'/'+n,'/opt/'+n\n"
    "            if os.path.islink(s): os.symlink(os.readlink(s),d)\n"
    "            elif os.path.isdir(s): os.mkdir(d); bind(s,d,BIND|REC)\n"
    "            else: open(d,'w').close(); bind(s,d)\n"
    "        os.mkdir('/opt/ml')\n"
    "    job=os.open('/proc/self/ns/net',os.O_RDONLY)\n"
    "    up('lo')\n"
    "    if len(cfg['hosts'])>1:\n"
    "        lines=['link add smlbr0 type bridge','link set smlbr0 up']\n"
    "        for i,(name,addr) in enumerate(cfg['hosts']):\n"
    "            path=cfg['dir']+'/net-'+name\n"
    "            open(path,'w').close()\n"
    "            ok(libc.unshare(NEWNET),'unshare(net)')\n"
    "            bind('/proc/self/ns/net',path)\n"
    "            up('lo')\n"
    "            ok(libc.setns(job,NEWNET),'setns(job net)')\n"
    "            lines.append('link add smlv%d type veth peer name eth0 netns %s'%(i,path))\n"
    "            lines.append('link set smlv%d master smlbr0 up'%i)\n"
    "        ip(lines)\n"
    "        for name,addr in cfg['hosts']:\n"
    "            fd=os.open(cfg['dir']+'/net-'+name,os.O_RDONLY)\n"
    "            ok(libc.setns(fd,NEWNET),'setns(host net)')\n"
    "            os.close(fd)\n"
    "            up('eth0',addr)\n"
    "            ok(libc.setns(job,NEWNET),'setns(job net)')\n"
    "except Exception as exc:\n"
    "    print('error: %s'%exc,flush=True)\n"
    "    sys.exit(1)\n"
    "print('ready',flush=True)\n"
    "sys.stdin.read()\n"
)

# argv: <holder pid> <net ns file> <host dir> <hosts file> <hostname> <cwd> <command...>
# Its parent is the host's reaper (processes.py), whose death must kill it too.
LAUNCHER = _PRELUDE + (
    "holder,net,hostdir,hosts,name,cwd=sys.argv[1:7]\n"
    "ppid=os.getppid()\n"
    "try:\n"
    "    libc.prctl(1,9)\n"
    "    user=os.open('/proc/%s/ns/user'%holder,os.O_RDONLY)\n"
    "    mnt=os.open('/proc/%s/ns/mnt'%holder,os.O_RDONLY)\n"
    # already inside the job's user namespace (mpirun on algo-1 starting a daemon on algo-2):
    # setns(2) refuses to join the namespace one is in, and joining is not needed
    "    if os.fstat(user).st_ino!=os.stat('/proc/self/ns/user').st_ino:\n"
    "        ok(libc.setns(user,NEWUSER),'setns(user)')\n"
    "    ok(libc.setns(mnt,NEWNS),'setns(mount)')\n"
    "    ok(libc.unshare(NEWNS|NEWUTS),'unshare(mount, uts)')\n"
    "    fd=os.open(net,os.O_RDONLY)\n"
    "    ok(libc.setns(fd,NEWNET),'setns(net)')\n"
    "    for f in (user,mnt,fd): os.close(f)\n"
    "    bind(hostdir,'/opt/ml',BIND|REC)\n"
    "    bind(hosts,'/etc/hosts')\n"
    "    ok(libc.sethostname(name.encode(),len(name)),'sethostname')\n"
    "    os.chdir(cwd)\n"
    "    libc.prctl(1,9)\n"
    "except OSError as exc:\n"
    "    sys.stderr.write('sagemaker_lite: could not enter the host container: %s\\n'%exc)\n"
    "    os._exit(126)\n"
    "if os.getppid()!=ppid:\n"
    "    os._exit(137)\n"
    "os.execv(sys.argv[7],sys.argv[7:])\n"
)


_WARNED: set[str] = set()
LOGGER = logging.getLogger("sagemaker_lite.local")


def fallback_notice(reason: str) -> str:
    """The relocation fallback's message; logged as a warning once per reason and process."""
    notice = (
        f"sagemaker_lite: no per-host containers ({reason}): each host's /opt/ml is its job directory "
        "(SAGEMAKER_BASE_DIR, /opt/ml paths in hyperparameters rewritten). Scripts that hard-code "
        "/opt/ml paths fail, algo-N host names do not resolve and hosts share this machine's ports "
        "and network."
    )
    if reason not in _WARNED:
        _WARNED.add(reason)
        LOGGER.warning("%s", notice)
    return notice


class SandboxUnavailable(Exception):
    """Namespaces cannot be used here; the message says why."""


def requested() -> bool:
    """False when ``SAGEMAKER_LITE_NAMESPACES`` says off (forces the relocation fallback)."""
    return os.environ.get(MODE_ENV, "auto").strip().lower() not in _OFF


def host_address(index: int, count: int = 2) -> str:
    """``algo-<index+1>``'s address: 10.254.0.1, 10.254.0.2, ... on the job network; 127.0.1.1 alone."""
    if count == 1:
        return "127.0.1.1"
    number = index + 1
    return f"10.254.{number // 256}.{number % 256}"


def hosts_file(names: Sequence[str]) -> str:
    """The ``/etc/hosts`` every host of the job sees."""
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    lines += [f"{host_address(i, len(names))}\t{name}" for i, name in enumerate(names)]
    return "\n".join(lines) + "\n"


class JobSandbox:
    """The namespaces of one job (see the module docstring); ``close()`` releases them."""

    def __init__(self, directory: Path, holder: subprocess.Popen[str], names: Sequence[str]) -> None:
        self.directory = directory
        self._holder = holder
        self.names = list(names)
        self.addresses = {name: host_address(i, len(names)) for i, name in enumerate(names)}

    @classmethod
    def begin(cls, directory: Path, names: Sequence[str]) -> JobSandbox:
        """Start the holder (returns at once; ``ready()`` waits for it). SandboxUnavailable if it cannot start."""
        if not requested():
            raise SandboxUnavailable(f"{MODE_ENV}={os.environ.get(MODE_ENV)} turns namespaces off")
        if not sys.platform.startswith("linux"):
            raise SandboxUnavailable(f"namespaces need Linux (this is {sys.platform})")
        ip = shutil.which("ip") or next((p for p in ("/usr/sbin/ip", "/sbin/ip") if os.access(p, os.X_OK)), None)
        if ip is None and len(names) > 1:
            raise SandboxUnavailable("the 'ip' command (iproute2), needed to connect several hosts, is not installed")
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "hosts").write_text(hosts_file(names), encoding="utf-8")
        config = {"dir": str(directory), "ip": ip or "", "hosts": [[n, host_address(i)] for i, n in enumerate(names)]}
        try:
            holder = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", HOLDER, json.dumps(config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                close_fds=True,
            )
        except OSError as exc:
            raise SandboxUnavailable(f"could not start the namespace holder: {exc}") from exc
        return cls(directory, holder, names)

    def ready(self, timeout: float = 20.0) -> None:
        """Wait for the holder's namespaces; SandboxUnavailable (and everything released) if they failed."""
        stdout = self._holder.stdout
        assert stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            readable, _, _ = select.select([stdout], [], [], max(0.0, deadline - time.monotonic()))
            if readable:
                line = stdout.readline().strip()
                break
        if line != "ready":
            self.close()
            raise SandboxUnavailable(
                line.removeprefix("error: ") or f"the namespace holder gave no answer in {timeout:g}s"
            )

    def launcher(self, name: str, host_dir: Path, cwd: str) -> list[str]:
        """The argv prefix that starts a command inside host ``name``'s container."""
        return [
            sys.executable,
            "-I",
            "-S",
            "-c",
            LAUNCHER,
            str(self._holder.pid),
            str(self.directory / f"net-{name}") if len(self.names) > 1 else f"/proc/{self._holder.pid}/ns/net",
            str(host_dir),
            str(self.directory / "hosts"),
            name,
            cwd,
        ]

    def close(self) -> None:
        """Let the holder exit (the namespaces go when the last host process has gone too)."""
        holder = self._holder
        with contextlib.suppress(OSError, ValueError):
            if holder.stdin is not None:
                holder.stdin.close()
        try:
            holder.wait(timeout=5)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait(timeout=5)
        with contextlib.suppress(OSError, ValueError):
            if holder.stdout is not None:
                holder.stdout.close()
