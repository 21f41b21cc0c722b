"""Objects whose settings live in a frozen attrs config, exposed as plain attributes.

Estimators and models keep their validated settings in one attrs instance; reading
``est.output_path`` reads it, and assigning ``est.output_path = ...`` re-validates through
``attrs.evolve`` so a bad value can never sit on an object waiting for ``fit()``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from .errors import ValidationError
from .redact import redact


class ConfigBacked:
    """Attribute access to ``self._config``'s fields; anything else is a normal attribute.

    Also the Session every such object carries: given at construction or created on first use.
    """

    _config_class: ClassVar[type[Any]]
    _config: Any

    def _set_config(self, settings: dict[str, Any], sagemaker_session: Any) -> None:
        """Validate ``settings`` into ``_config_class`` (None means "the default"); unknown keywords fail."""
        settings = {key: value for key, value in settings.items() if value is not None}
        unknown = sorted(set(settings) - set(attrs.fields_dict(self._config_class)))
        if unknown:
            name = type(self).__name__
            raise ValidationError(unknown[0], settings[unknown[0]], f"a keyword {name}() accepts (see help({name}))")
        self.__dict__["_config"] = self._config_class(**settings)
        self.__dict__["_sagemaker_session"] = sagemaker_session

    @property
    def sagemaker_session(self) -> Any:
        """The Session used for every call; created on first use (not at construction)."""
        session = self.__dict__.get("_sagemaker_session")
        if session is None:
            session = self._default_session()
            self.__dict__["_sagemaker_session"] = session
        return session

    @sagemaker_session.setter
    def sagemaker_session(self, session: Any) -> None:
        self.__dict__["_sagemaker_session"] = session

    def _default_session(self) -> Any:
        from .session import Session

        return Session()

    def __repr__(self) -> str:
        return self._settings_repr()

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
