"""LocalAccount: everything live under one local root in this interpreter - the local "account".

    account = LocalAccount.of(Path("/tmp/sm"))        # what LocalSession does for its root
    client = LocalSageMakerClient(root=account.root, account=account)
    runtime = LocalRuntimeClient(root=account.root, account=account)

On SageMaker an account and region own the jobs and endpoints, and every client that signs as
that account sees them. Locally the root directory plays the account: the training,
processing, tuning and transform jobs this interpreter runs and the models, endpoint configs
and endpoints it serves belong to the ``LocalAccount`` of their root, and the clients of a
``LocalSession`` (SageMaker, SageMaker Runtime) are handed that object when the session
builds them. So the runtime client finds an endpoint through the account it was given, not
by reading another module's state, and nothing else in ``local/`` keeps a table of jobs.

Two sessions over the same root share one account (a job started through one can be
described, attached to and stopped through the other, as two boto3 clients of one account
can); two roots never see each other's jobs or endpoints. That sharing is why one table of
accounts by root exists for the interpreter (``LocalAccount.of``): it is the only
process-wide table in the local backend, and it holds accounts, not jobs. (The interpreter's
exit hooks in exit_hooks.py keep the other kind of process-wide list: what must be stopped
when Python exits, whichever root it belongs to.)

One lock discipline: every table of the account is read and changed under ``account.lock``
(re-entrant, held only for dictionary work and a name reservation on disk, never while a job
runs or a server starts), and each job guards its own state with its own lock. Jobs another
process ran are not here: the API modules describe them from their records on disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from .processing.job import LocalProcessingJob
    from .serving.endpoint import LocalEndpoint
    from .training.job import LocalTrainingJob
    from .transform.job import LocalTransformJob
    from .tuning.job import LocalTuningJob

Job = TypeVar("Job")


class JobTable(Generic[Job]):
    """The live jobs of one kind in an account, by name (guarded by the account's lock)."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._jobs: dict[str, Job] = {}

    def get(self, name: str) -> Job | None:
        with self._lock:
            return self._jobs.get(name)

    def claim(self, name: str, job: Job, reserve: Callable[[], None] = lambda: None) -> None:
        """Add ``job`` under ``name``; ``FileExistsError`` if the name is live here or ``reserve`` refuses it.

        ``reserve`` claims the name on disk (creating the job's directory), so a name is
        unique across processes too; it runs under the lock, so two threads cannot both win.
        """
        with self._lock:
            if name in self._jobs:
                raise FileExistsError(name)
            reserve()
            self._jobs[name] = job

    def values(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())


class LocalAccount:
    """The live jobs and hosting resources under one root (see the module docstring)."""

    _by_root: ClassVar[dict[str, LocalAccount]] = {}
    _by_root_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.RLock()
        self.training: JobTable[LocalTrainingJob] = JobTable(self.lock)
        self.processing: JobTable[LocalProcessingJob] = JobTable(self.lock)
        self.tuning: JobTable[LocalTuningJob] = JobTable(self.lock)
        self.transform: JobTable[LocalTransformJob] = JobTable(self.lock)
        self.models: dict[str, dict[str, Any]] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.endpoints: dict[str, LocalEndpoint] = {}
        self.tags: dict[str, list[dict[str, str]]] = {}
        self._recovered = False

    @classmethod
    def of(cls, root: Path) -> LocalAccount:
        """The account of ``root`` in this interpreter (created on first use)."""
        with cls._by_root_lock:
            account = cls._by_root.get(str(root))
            if account is None:
                account = cls._by_root[str(root)] = cls(root)
            return account

    def first_visit(self) -> bool:
        """True once per account: the caller then finishes the records of jobs whose process died."""
        with self.lock:
            first, self._recovered = not self._recovered, True
            return first

    def __repr__(self) -> str:
        return f"LocalAccount(root={str(self.root)!r})"
