"""Registries of mtlw.

mtlw registers its models, datasets, transforms, metrics and hooks into the
mmsegmentation registries (re-exported here), so configs with
``default_scope='mmseg'`` find them, and keeps one registry of its own,
:data:`WEIGHTERS`, for the loss-weighting rules.

Building an unknown ``type`` from any of these registries raises
:class:`UnknownTypeError` naming the registry and the closest registered names.
"""
import difflib
import functools
import re
import warnings
from typing import Callable, Iterator, List

from mmengine.registry import Registry
from mmseg.registry import (DATASETS, EVALUATOR, HOOKS, LOG_PROCESSORS,
                            METRICS, MODELS, OPTIM_WRAPPERS, TRANSFORMS,
                            VISUALIZERS)


def _build_in_own_scope(cfg: dict, registry: Registry, *args, **kwargs):
    """Build from ``registry`` itself, whatever the default scope is.

    WEIGHTERS is a registry tree of its own; mmengine's scope switching would
    look for the config's ``default_scope`` (``mmseg``) in it and warn.
    """
    params = dict(cfg)
    obj_type = params.pop('type')
    obj_cls = registry.get(obj_type) if isinstance(obj_type, str) else obj_type
    if obj_cls is None:
        raise KeyError(f'{obj_type} is not in the {registry.scope}::'
                       f'{registry.name} registry')
    return obj_cls(*args, **params, **kwargs)


WEIGHTERS = Registry(
    'weighter', build_func=_build_in_own_scope, locations=['mtlw.weighting'])

_UNKNOWN_TYPE = re.compile(r'^(?P<type>.+) is not in the (?P<registry>\S+) '
                           r'registry')


class UnknownTypeError(KeyError):
    """A config asked a registry for a ``type`` it does not hold."""

    def __str__(self) -> str:
        return str(self.args[0])


def _all_names(registry: Registry) -> Iterator[str]:
    """Names registered in ``registry``, its ancestors and descendants."""
    root = registry
    while root.parent is not None:
        root = root.parent
    pending = [root]
    while pending:
        current = pending.pop()
        yield from current.module_dict
        pending.extend(current.children.values())


def closest_names(registry: Registry, name: str, n: int = 5) -> List[str]:
    """The registered names in ``registry``'s tree closest to ``name``."""
    names = sorted(set(_all_names(registry)))
    matches = difflib.get_close_matches(name, names, n=n, cutoff=0.5)
    lowered = name.lower()
    matches += [m for m in names if lowered in m.lower() and m not in matches]
    return matches[:n]


def _suggest_on_unknown_type(build_func: Callable) -> Callable:
    """Wrap a registry build function to add close matches to its KeyError."""
    if getattr(build_func, 'suggests_names', False):
        return build_func

    @functools.wraps(build_func)
    def build(cfg, registry, *args, **kwargs):
        try:
            return build_func(cfg, registry, *args, **kwargs)
        except UnknownTypeError:
            raise
        except KeyError as error:
            found = _UNKNOWN_TYPE.match(str(error.args[0])) if error.args \
                else None
            if found is None:
                raise
            name = found['type']
            close = closest_names(registry, name)
            hint = (f'Did you mean: {", ".join(close)}?'
                    if close else 'No registered name is close to it.')
            raise UnknownTypeError(
                f'Unknown type `{name}` in the {found["registry"]} registry. '
                f'{hint} Components of mtlw register when `mtlw` is imported '
                "(configs: custom_imports=dict(imports=['mtlw'])).") from None

    build.suggests_names = True
    return build


def _install_suggestions(registry: Registry) -> None:
    """Give ``registry`` and its ancestors the suggesting build function."""
    while registry is not None:
        registry.build_func = _suggest_on_unknown_type(registry.build_func)
        registry = registry.parent


for _registry in (WEIGHTERS, MODELS, DATASETS, TRANSFORMS, METRICS, HOOKS,
                  EVALUATOR, OPTIM_WRAPPERS, VISUALIZERS, LOG_PROCESSORS):
    _install_suggestions(_registry)


def register_former_name(registry: Registry, former_name: str,
                         cls: type) -> type:
    """Keep building ``cls`` under the name it had before a rename.

    Configs that still say ``type=former_name`` get ``cls`` and a
    :class:`FutureWarning` naming the new name; the former name is kept for
    one release.

    Args:
        registry (Registry): Where ``cls`` is registered.
        former_name (str): The name it was registered under before.
        cls (type): The renamed class.

    Returns:
        type: The subclass registered under ``former_name``.
    """

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f'{former_name} was renamed {cls.__name__}; the former name '
            'will be removed in the next release', FutureWarning,
            stacklevel=2)
        cls.__init__(self, *args, **kwargs)

    alias = type(former_name, (cls, ), dict(
        __init__=__init__, __module__=cls.__module__,
        __doc__=f'Former name of :class:`{cls.__name__}`.'))
    registry.register_module(name=former_name, module=alias)
    return alias


__all__ = [
    'WEIGHTERS', 'MODELS', 'DATASETS', 'TRANSFORMS', 'METRICS', 'HOOKS',
    'EVALUATOR', 'OPTIM_WRAPPERS', 'VISUALIZERS', 'LOG_PROCESSORS',
    'UnknownTypeError', 'closest_names', 'register_former_name'
]
