"""Objects whose settings live in a frozen attrs config, exposed as plain attributes.

Estimators and models keep their validated settings in one attrs instance; reading
``est.output_path`` reads it, and assigning ``est.output_path = ...`` re-validates through
``attrs.evolve`` so a bad value can never sit on an object waiting for ``fit()``.
"""

from __future__ import annotations

import inspect
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give the class a signature listing every keyword it takes (``help()``, Jupyter, IDEs).

        ``__init__`` names a few arguments and takes the rest as ``**settings`` for the config
        class; the signature shows those named arguments, then every config field keyword-only
        with its default. v1 spellings are accepted too (``compat``) but not listed.
        """
        super().__init_subclass__(**kwargs)
        config = getattr(cls, "_config_class", None)
        if config is not None and attrs.has(config):
            cls.__signature__ = config_signature(cls, config)  # type: ignore[attr-defined]

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


def config_signature(cls: type, config: type) -> inspect.Signature:
    """``cls.__init__``'s named parameters plus ``config``'s fields as keyword-only parameters."""
    variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    init = inspect.signature(cls.__init__)  # type: ignore[misc]
    named = [p for p in list(init.parameters.values())[1:] if p.kind not in variadic]
    taken = {parameter.name for parameter in named}
    fields = []
    for base in cls.__mro__[1:]:  # keywords a base's __init__ names and passes on (sagemaker_session)
        if "__init__" in base.__dict__ and issubclass(base, ConfigBacked):
            for parameter in list(inspect.signature(base.__dict__["__init__"]).parameters.values())[1:]:
                if parameter.kind not in variadic and parameter.name not in taken:
                    taken.add(parameter.name)
                    fields.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
    for field in attrs.fields(config):
        name = field.alias or field.name
        if not field.init or name in taken:
            continue
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory() if not default.takes_self else inspect.Parameter.empty
        elif default is attrs.NOTHING:
            default = None
        fields.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=field.type if field.type is not None else inspect.Parameter.empty,
            )
        )
    return inspect.Signature([*named, *fields], return_annotation=None)
