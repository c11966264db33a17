"""A stand-in for ``mmcv._ext`` when mmcv comes without its compiled ops.

mmsegmentation imports ``mmcv.ops`` at module level, and ``mmcv.ops`` loads the
compiled extension ``mmcv._ext``. mmcv-lite has no such extension and the full
mmcv cannot be compiled against current PyTorch, so importing mmseg fails. The
stand-in lets ``import mmseg`` and mmcv's pure-PyTorch ops (``point_sample``)
work, while any compiled op raises :class:`MissingCompiledOpError` naming it.
A real compiled extension is never shadowed.
"""
import importlib.machinery
import importlib.util
import sys
import types

STAND_IN_NAME = 'mmcv._ext'


class MissingCompiledOpError(RuntimeError):
    """Raised when a compiled mmcv op is called without a compiled mmcv."""


def _missing_op(name: str):

    def op(*args, **kwargs):
        raise MissingCompiledOpError(
            f'mmcv op `{name}` needs the compiled extension mmcv._ext, which '
            'this installation lacks (mmcv-lite). Install a full mmcv built '
            'for your torch/CUDA (see https://mmcv.readthedocs.io/en/latest/'
            'get_started/installation.html) or choose a component that does '
            'not use this op.')

    op.__name__ = name
    return op


class _StandInExtension(types.ModuleType):
    """Module whose every attribute is an op that raises a clear error."""

    def __getattr__(self, name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        return _missing_op(name)


def is_stand_in(module: types.ModuleType) -> bool:
    """Whether ``module`` is the stand-in rather than compiled mmcv ops."""
    return isinstance(module, _StandInExtension)


def compiled_extension_available() -> bool:
    """Whether a real ``mmcv._ext`` can be imported."""
    module = sys.modules.get(STAND_IN_NAME)
    if module is not None:
        return not is_stand_in(module)
    try:
        return importlib.util.find_spec(STAND_IN_NAME) is not None
    except ModuleNotFoundError:  # mmcv itself is missing
        return False


def install_mmcv_ext_stand_in() -> bool:
    """Install the stand-in unless a compiled ``mmcv._ext`` exists.

    Returns:
        bool: True when the stand-in was installed (or already was).
    """
    if compiled_extension_available():
        return False
    if importlib.util.find_spec('mmcv') is None:
        raise ImportError('mtlw needs mmcv: pip install mmcv-lite==2.1.0 '
                          '(or a compiled mmcv 2.x)')
    stand_in = _StandInExtension(STAND_IN_NAME)
    stand_in.__spec__ = importlib.machinery.ModuleSpec(STAND_IN_NAME, None)
    sys.modules[STAND_IN_NAME] = stand_in
    return True
