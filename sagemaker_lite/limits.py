"""The service's own limits, checked on every request before anything leaves the machine.

    from sagemaker_lite.limits import check_request, constraints_for
    check_request("CreateTrainingJob", request)        # ValidationError naming the parameter
    constraints_for("CreateTrainingJob", "ResourceConfig.KeepAlivePeriodInSeconds").maximum   # 21600

SageMaker refuses a request whose values break the constraints of its API (lengths, patterns,
list and map sizes, numeric ranges, enums, required fields). botocore ships those constraints in
its service model, but checks only types, required fields and minimums, and only when the call
is made - after the SDK may have uploaded code or created a model. So every request the SDK
builds goes through ``check_request`` first: one general walk of the request against the
operation's input shape, read from botocore's loaded model at check time (nothing is copied
here, so a newer botocore brings newer limits). botocore is imported on first use only, so
``import sagemaker_lite`` stays cheap; the model is loaded once per process.

Messages speak the user's vocabulary where a request path maps to an argument
(``hyperparameters['lr']``, ``inputs['train'].s3_data``, ``tags``, ``env['KEY']``), else name the
request path (``CreateTrainingJob.ResourceConfig.KeepAlivePeriodInSeconds``); they give the value
and the limit.

Choices, where the model alone is not enough:

* Patterns are Java regular expressions matched against the whole value. ``\\p{L}``-style classes
  are expanded exactly for ASCII and accept any non-ASCII character; UTF-16 surrogate ranges become
  the code points they encode; ``.`` also matches line breaks. A pattern that still does not
  translate is not checked (``untranslatable_patterns`` lists them; a test keeps it empty for the
  operations the SDK sends); ``_java_patterns`` translates them. Lengths count UTF-16 code
  units, as the service does.
* Enums of instance types are open: the service adds instance types before botocore lists them,
  and ``instance_type`` has its own check.
* ``local=True`` (local mode): ``file://`` URIs are accepted where S3 URIs are, and role ARNs may
  be missing or be any string, as local mode takes them.
* Limits the service documents but the model does not carry are kept in ``DOCUMENTED_LIMITS``,
  each with the page that states it.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._java_patterns import compiled as compiled_pattern
from .errors import ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from botocore.model import OperationModel, Shape

__all__ = [
    "DOCUMENTED_LIMITS",
    "Constraints",
    "DocumentedLimit",
    "Problem",
    "check_request",
    "constraints_for",
    "planned_default_bucket",
    "problems",
    "untranslatable_patterns",
]

#: the service model of each operation the SDK sends
SERVICE_OF = {"InvokeEndpoint": "sagemaker-runtime"}


@attrs.frozen
class DocumentedLimit:
    """A limit the service documents that its model does not carry (``kind``: how to check it)."""

    operation: str
    path: str
    kind: str  # "total_bytes": keys+values of a map, UTF-8; "reserved_prefix": strings must not start so
    limit: Any
    source: str


DOCUMENTED_LIMITS: tuple[DocumentedLimit, ...] = (
    DocumentedLimit(
        "CreateModel",
        "PrimaryContainer.Environment",
        "total_bytes",
        32 * 1024,
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html"
        " (Environment: all keys and values combined at most 32 KB)",
    ),
    DocumentedLimit(
        "*",
        "Tags[].Key",
        "reserved_prefix",
        "aws:",
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html"
        " (the aws: prefix is reserved for AWS use)",
    ),
)


@attrs.frozen
class Constraints:
    """What the service model says about one member: ``constraints_for(operation, path)``."""

    operation: str
    path: str
    type_name: str
    minimum: int | float | None = None
    maximum: int | float | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    documented: tuple[DocumentedLimit, ...] = ()


@attrs.frozen
class Problem:
    """One constraint a request breaks: where (request path), the value, and what is allowed."""

    operation: str
    path: tuple[str | int, ...]
    value: Any
    allowed: str
    missing: bool = False

    @property
    def request_path(self) -> str:
        return _render(self.path)


def planned_default_bucket(region: str) -> str:
    """A stand-in for ``sagemaker-<region>-<account>`` of the same length, for checks made before
    the default bucket is looked up (which needs STS and may create it)."""
    return f"sagemaker-{region}-000000000000"


# --- botocore's model, loaded lazily ----------------------------------------------------------


@functools.cache
def _service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def botocore_session_of(session: Any) -> Any:
    """The botocore session behind a sagemaker_lite Session, whose loader its clients share (or None)."""
    from botocore.session import Session as BotocoreSession

    core = getattr(getattr(session, "boto_session", None), "_session", None)
    return core if isinstance(core, BotocoreSession) else None


#: per botocore session (weakly: it goes with its Session), the service models already resolved
_SESSION_MODELS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _operation(operation: str, botocore_session: Any = None) -> OperationModel:
    service = SERVICE_OF.get(operation, "sagemaker")
    if botocore_session is None:
        model = _service_model(service)
    else:  # a Session's own loader parses the JSON once for its clients and this check alike
        models = _SESSION_MODELS.setdefault(botocore_session, {})
        model = models.get(service)
        if model is None:
            model = models[service] = botocore_session.get_service_model(service)
    result: OperationModel = model.operation_model(operation)
    return result


def untranslatable_patterns(operations: Sequence[str]) -> list[str]:
    """The patterns of these operations' inputs that ``check_request`` cannot check (ideally none)."""
    found: list[str] = []
    for operation in operations:
        for shape in _shapes(_operation(operation).input_shape):
            pattern = shape.metadata.get("pattern")
            if pattern is not None and compiled_pattern(pattern) is None and pattern not in found:
                found.append(pattern)
    return found


def _shapes(root: Shape) -> Iterator[Shape]:
    seen: set[str] = set()
    stack = [root]
    while stack:
        shape = stack.pop()
        if shape.name in seen:
            continue
        seen.add(shape.name)
        yield shape
        if shape.type_name == "structure":
            stack.extend(shape.members.values())
        elif shape.type_name == "list":
            stack.append(shape.member)
        elif shape.type_name == "map":
            stack.extend((shape.key, shape.value))


# --- paths ------------------------------------------------------------------------------------


def _render(path: Sequence[str | int]) -> str:
    """``("HyperParameters", "{value}", "lr")`` -> ``"HyperParameters['lr']"`` (a key: ``"... key 'lr'"``)."""
    text = ""
    marker = None
    for part in path:
        if marker is not None:
            text += f"[{part!r}]" if marker == "{value}" else f" key {part!r}"
            marker = None
        elif isinstance(part, int):
            text += f"[{part}]"
        elif part in ("{key}", "{value}"):
            marker = part
        else:
            text += ("." if text else "") + part
    return text


def _generic(path: Sequence[str | int]) -> str:
    """``("InputDataConfig", 0, "ChannelName")`` -> ``"InputDataConfig[].ChannelName"``; map keys/values as ``{}``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += "[]"
        elif part.startswith("{"):
            text += "{}"
        else:
            text += ("." if text else "") + part
    return text


def _shape_at(operation: str, path: str) -> Shape:
    shape: Shape = _operation(operation).input_shape
    for token in re.findall(r"[^.\[\]{}]+|\[\]|\{key\}|\{value\}|\{\}", path):
        if token == "[]":
            shape = shape.member
        elif token == "{key}":
            shape = shape.key
        elif token in ("{value}", "{}"):
            shape = shape.value
        else:
            members = getattr(shape, "members", {})
            if token not in members:
                raise ValidationError("path", path, f"a member path of {operation}'s input", hint=f"no {token!r} there")
            shape = members[token]
    return shape


def constraints_for(operation: str, path: str) -> Constraints:
    """The service model's constraints on one member of an operation's input.

        constraints_for("CreateTrainingJob", "ResourceConfig.KeepAlivePeriodInSeconds")
        # Constraints(..., type_name='integer', minimum=0, maximum=21600, ...)

    ``path`` names members with ``.``, a list's item with ``[]``, a map's keys with ``{key}`` and
    values with ``{value}`` (``"HyperParameters{value}"``, ``"InputDataConfig[].ChannelName"``).
    """
    shape = _shape_at(operation, path)
    metadata = shape.metadata
    documented = tuple(
        limit
        for limit in DOCUMENTED_LIMITS
        if limit.operation in (operation, "*") and limit.path == path.replace("{value}", "{}")
    )
    return Constraints(
        operation=operation,
        path=path,
        type_name=shape.type_name,
        minimum=metadata.get("min"),
        maximum=metadata.get("max"),
        pattern=metadata.get("pattern"),
        enum=tuple(getattr(shape, "enum", ()) or ()),
        required=tuple(metadata.get("required", ())),
        documented=documented,
    )


# --- the walk ---------------------------------------------------------------------------------

_S3_URI_PATTERN = "(https|s3)://([^/]+)/?(.*)"


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _count(number: int | float, noun: str) -> str:
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


class _Walker:
    def __init__(self, operation: str, *, local: bool) -> None:
        self.operation = operation
        self.local = local
        self.found: list[Problem] = []
        self.documented = [limit for limit in DOCUMENTED_LIMITS if limit.operation in (operation, "*")]

    def problem(self, path: tuple[str | int, ...], value: Any, allowed: str, *, missing: bool = False) -> None:
        self.found.append(Problem(self.operation, path, value, allowed, missing))

    def walk(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        kind = shape.type_name
        check: Callable[[Any, Shape, tuple[str | int, ...]], None] = getattr(self, f"_{kind}", self._other)
        check(value, shape, path)
        for limit in self.documented:
            if limit.path == _generic(path):
                self._documented(limit, value, path)

    def _structure(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, Mapping):
            self.problem(path, value, f"a dict ({shape.name})")
            return
        members = shape.members
        for name in shape.metadata.get("required", ()):
            if name not in value and not (self.local and name in ("RoleArn", "ExecutionRoleArn")):
                self.problem((*path, name), None, "a value (required)", missing=True)
        for key, item in value.items():
            if key not in members:
                self.problem((*path, str(key)), item, f"a field of {shape.name}: one of {', '.join(members)}")
            else:
                self.walk(item, members[key], (*path, key))

    def _sized(self, size: int, shape: Shape, path: tuple[str | int, ...], value: Any, noun: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and size < low:
            self.problem(path, value, f"at least {_count(low, noun)} (it has {size:,})")
        if high is not None and size > high:
            self.problem(path, value, f"at most {_count(high, noun)} (it has {size:,})")

    def _list(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            self.problem(path, value, "a list")
            return
        self._sized(len(value), shape, path, value, "item")
        for index, item in enumerate(value):
            self.walk(item, shape.member, (*path, index))

    def _map(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, Mapping):
            self.problem(path, value, "a dict")
            return
        self._sized(len(value), shape, path, value, "entry")
        for key, item in value.items():
            self.walk(key, shape.key, (*path, "{key}", str(key)))
            self.walk(item, shape.value, (*path, "{value}", str(key)))

    def _string(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, str):
            self.problem(path, value, "a string")
            return
        metadata = shape.metadata
        enum = getattr(shape, "enum", None)
        if enum and value not in enum and not shape.name.endswith("InstanceType"):
            self.problem(path, value, "one of " + ", ".join(repr(item) for item in enum))
            return
        pattern = metadata.get("pattern")
        if self.local and pattern == _S3_URI_PATTERN and value.startswith("file://"):
            return
        if self.local and shape.name == "RoleArn":
            return
        self._sized(_utf16_length(value), shape, path, value, "character")
        compiled = compiled_pattern(pattern) if pattern else None
        if compiled is not None and compiled.fullmatch(value) is None:
            self.problem(path, value, f"a value matching the pattern {pattern}")

    def _number(self, value: Any, shape: Shape, path: tuple[str | int, ...], integral: bool) -> None:
        kinds: tuple[type, ...] = (int,) if integral else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            self.problem(path, value, "an integer" if integral else "a number")
            return
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.problem(path, value, f"at least {low:,}")
        if high is not None and value > high:
            self.problem(path, value, f"at most {high:,}")

    def _integer(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        self._number(value, shape, path, integral=True)

    def _long(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        self._number(value, shape, path, integral=True)

    def _float(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        self._number(value, shape, path, integral=False)

    def _double(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        self._number(value, shape, path, integral=False)

    def _boolean(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, bool):
            self.problem(path, value, "True or False")

    def _blob(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        if isinstance(value, (bytes, bytearray, memoryview)):
            self._sized(len(value), shape, path, value, "byte")
        elif isinstance(value, str):
            self._sized(len(value.encode()), shape, path, value, "byte")

    def _other(self, value: Any, shape: Shape, path: tuple[str | int, ...]) -> None:
        """Timestamps and the rest: botocore serialises what it accepts."""

    def _documented(self, limit: DocumentedLimit, value: Any, path: tuple[str | int, ...]) -> None:
        if limit.kind == "total_bytes" and isinstance(value, Mapping):
            size = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in value.items())
            if size > limit.limit:
                self.problem(
                    path, value, f"at most {limit.limit:,} bytes of keys and values ({size:,}; {limit.source})"
                )
        elif limit.kind == "reserved_prefix" and isinstance(value, str) and value.startswith(limit.limit):
            self.problem(path, value, f"a value not starting with {limit.limit!r} ({limit.source})")


def problems(
    operation: str, request: Mapping[str, Any], *, local: bool = False, botocore_session: Any = None
) -> list[Problem]:
    """Every constraint of ``operation``'s input that ``request`` breaks (empty when it fits)."""
    walker = _Walker(operation, local=local)
    walker.walk(request, _operation(operation, botocore_session).input_shape, ())
    return walker.found


def check_request(
    operation: str,
    request: Mapping[str, Any],
    *,
    local: bool = False,
    names: Callable[[Problem, Mapping[str, Any]], str | None] | None = None,
    botocore_session: Any = None,
) -> None:
    """Raise ``ValidationError`` for the first constraint ``request`` breaks; nothing is sent.

        check_request("CreateEndpoint", {"EndpointName": "ep", "EndpointConfigName": "ep"})

    ``names`` maps a problem to the user's name for that value (``_request_names.user_name``
    by default); the message names it, the value and the limit, and the request path.
    ``botocore_session`` (``botocore_session_of(session)``): read the model through the loader the
    Session's clients use, so it is parsed once per Session rather than once more here.
    """
    found = problems(operation, request, local=local, botocore_session=botocore_session)
    if not found:
        return
    from ._request_names import user_name

    first = found[0]
    name = (names or user_name)(first, request)
    where = f"{operation}.{first.request_path}"
    more = f"; {len(found) - 1} more problem(s) in the same request" if len(found) > 1 else ""
    raise ValidationError(
        name or where,
        first.value,
        first.allowed,
        hint=f"SageMaker would refuse {where} (limits from the service model){more}",
    )
