r"""The service model's Java regular expressions (``pattern`` constraints) as Python ones.

    compiled("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")   # re.Pattern, or None if it cannot be translated

botocore carries SageMaker's constraints as Java patterns: ``\p{L}``-style classes, UTF-16
surrogate pairs for code points above U+FFFF, ``\z``. Apart from ``limits`` (which walks
requests against the constraints) because translating a pattern language is its own job.
"""

from __future__ import annotations

import functools
import re

_ASCII_CLASSES = {
    "Alnum": "a-zA-Z0-9",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Upper": "A-Z",
    "Lower": "a-z",
    "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "Print": "\\x20-\\x7e",
    "Graph": "\\x21-\\x7e",
    "Space": " \\t\\n\\x0b\\f\\r",
    "ASCII": "\\x00-\\x7f",
}
#: Unicode categories: exact for ASCII; every non-ASCII character is accepted (never refuse what
#: the service might accept)
_UNICODE_CLASSES = {
    "L": "a-zA-Z",
    "N": "0-9",
    "Z": " ",
    "S": re.escape("$+<=>^`|~"),
    "P": re.escape("!\"#%&'()*,-./:;?@[\\]_{}"),
    "M": "",
}
_NON_ASCII = "\\u0080-\\U0010ffff"
_SURROGATE_RANGE = re.compile(r"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", re.IGNORECASE)


def _code_point(match: re.Match[str]) -> str:
    high, low = int(match.group(1), 16), int(match.group(2), 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"


def _translate_class(name: str, in_class: bool) -> str:
    if name in _ASCII_CLASSES:
        body = _ASCII_CLASSES[name]
    elif name in _UNICODE_CLASSES:
        body = _UNICODE_CLASSES[name] + _NON_ASCII
    else:
        raise re.error(f"unknown class \\p{{{name}}}")
    return body if in_class else f"[{body}]"


def _java_to_python(pattern: str) -> str:
    pattern = _SURROGATE_RANGE.sub(_code_point, pattern)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] in "pP" and pattern[i + 2 : i + 3] == "{":
                end = pattern.index("}", i)
                if pattern[i + 1] == "P":
                    raise re.error("negated \\P classes are not translated")
                out.append(_translate_class(pattern[i + 3 : end], in_class))
                i = end + 1
                continue
            escape = pattern[i : i + 2]
            out.append({"\\z": "\\Z", "\\Z": "(?=\\n?\\Z)"}.get(escape, escape))
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(_java_to_python(pattern), re.DOTALL)
    except (re.error, ValueError):
        return None
