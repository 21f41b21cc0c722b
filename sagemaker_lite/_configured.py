"""Objects whose settings live in a frozen attrs config, exposed as plain attributes.

Estimators and models keep their validated settings in one attrs instance; reading
``est.output_path`` reads it, and assigning ``est.output_path = ...`` re-validates through
``attrs.evolve`` so a bad value can never sit on an object waiting for ``fit()``.
"""

from __future__ import annotations

from typing import Any

import attrs

from .redact import redact


class ConfigBacked:
    """Attribute access to ``self._config``'s fields; anything else is a normal attribute."""

    _config: Any

    def __getattr__(self, name: str) -> Any:
        config = self.__dict__.get("_config")
        if config is not None and name in attrs.fields_dict(type(config)):
            return getattr(config, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        config = self.__dict__.get("_config")
        if config is not None and name in attrs.fields_dict(type(config)):
            self.__dict__["_config"] = attrs.evolve(config, **{name: value})
        else:
            object.__setattr__(self, name, value)

    def _settings_repr(self, *, all_fields: bool = False) -> str:
        """``Type(field=value, ...)``: the fields that differ from their defaults (or all), secrets masked."""
        shown = []
        for field in attrs.fields(type(self._config)):
            value = getattr(self._config, field.name)
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if all_fields or value != default:
                shown.append(f"{field.name}={value!r}")
        return redact(f"{type(self).__name__}({', '.join(shown)})")
