"""Count the reads of tensor values on the host during training.

On a GPU every read of a device value on the host (``.item()``,
``float(t)``, ``bool(t)``, ``.tolist()``, ``.cpu()``, ``.numpy()``) makes
the CPU wait until the GPU has finished the work queued so far, so the next
step's kernels cannot be queued ahead. :class:`HostReadCounter` counts such
reads while it is active, on any device:

- ``aten._local_scalar_dense`` (what ``.item()``, ``float()``, ``bool()``,
  ``int()`` and formatting of a one-element tensor dispatch to);
- device-to-host copies (``aten._to_copy`` / ``aten.copy_`` from a
  non-CPU tensor into a CPU one);
- ops whose output size depends on the data (``nonzero``,
  ``masked_select``, ``unique``, ``bincount``, indexing with a boolean
  mask), which read a count from the device inside the kernel (kind
  ``'sized-by-data'``);
- on CPU tensors, ``.tolist()``, ``.numpy()``, ``__array__`` and
  ``.cpu()``, which dispatch no copy on the CPU but are device-to-host
  transfers of the same values in a GPU run.

Each read is attributed to the first frame of the Python stack, from the
innermost outwards, that lies in mtlw, mmengine, mmseg or mmcv (else the
first frame outside torch and this module), as ``path:line``. Reads of
tensors that stay on the CPU in a GPU run, which do not wait for the
device, are flagged ``resident``: every read of a CPU tensor in a GPU run,
and in a CPU run the reads made inside ``torch.optim`` (the ``step``
counters of non-fused, non-capturable optimizers live on the CPU) and the
reads of host-born tensors: those made from Python data (tensor literals,
factories without a ``device``) or computed from such tensors only, e.g.
MMEngine's padding arithmetic on image shapes. A tensor moved with
``.to(...)`` (the batch, by the data preprocessor) is no longer host-born.
"""
import os.path as osp
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

import torch
from mmengine.hooks import Hook
from torch.overrides import TorchFunctionMode
from torch.utils import _pytree as pytree
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.weak import WeakIdKeyDictionary

_TORCH_DIR = osp.dirname(torch.__file__) + osp.sep
_THIS_FILE = osp.abspath(__file__)
_OWN_PACKAGES = ('mtlw', 'mmengine', 'mmseg', 'mmcv')
_OPTIM_DIR = osp.join(_TORCH_DIR, 'optim') + osp.sep
_COPY_OPS = ('aten._to_copy.default', 'aten.copy_.default')
_READ_METHODS = ('tolist', 'numpy', '__array__', 'cpu')
# Ops whose output size depends on the data: on a GPU they copy a count
# to the host inside the kernel (boolean indexing does it too).
_SHAPE_READING_OPS = ('nonzero', 'masked_select', 'unique_consecutive',
                      '_unique', '_unique2', 'unique_dim', 'bincount')
_INDEX_OPS = ('aten.index.Tensor', 'aten.index_put_.default',
              'aten.index_put.default')
_FACTORIES = ('tensor', 'as_tensor', 'from_numpy', 'zeros', 'ones', 'empty',
              'full', 'arange', 'linspace', 'eye', 'rand', 'randn',
              'randint', 'randperm')


@dataclass(frozen=True)
class HostRead:
    """One read of a tensor value on the host.

    Attributes:
        iteration (int): The counter's ``iteration`` when it happened.
        phase (str): The counter's ``phase`` (``'step'`` unless a hook
            says otherwise, e.g. ``'data'`` while the next batch is read).
        source (str): ``path:line`` of the frame that asked for it.
        kind (str): ``'item'``, ``'d2h'`` or the tensor method's name.
        resident (bool): Whether the tensor stays on the CPU in a GPU run.
    """

    iteration: int
    phase: str
    source: str
    kind: str
    resident: bool


def _short_path(path: str) -> str:
    """``path`` from its package folder on (``mtlw/...``, ``torch/...``)."""
    parts = path.split(osp.sep)
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in _OWN_PACKAGES + ('torch', 'tools', 'tests'):
            return '/'.join(parts[index:])
    return osp.basename(path)


def _is_own(path: str) -> bool:
    parts = path.split(osp.sep)
    return any(package in parts[:-1] for package in _OWN_PACKAGES)


def read_source() -> Tuple[str, bool]:
    """Where the current read comes from, and whether it is made inside
    ``torch.optim``.

    Returns:
        tuple[str, bool]: ``path:line`` of the first mtlw / mmengine /
        mmseg / mmcv frame (else the first frame outside torch and this
        module), and whether a frame of ``torch/optim`` is on the way.
    """
    frame = sys._getframe(1)
    fallback, in_optim = None, False
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(_OPTIM_DIR):
            in_optim = True
        elif not path.startswith(_TORCH_DIR) and \
                osp.abspath(path) != _THIS_FILE:
            where = f'{_short_path(path)}:{frame.f_lineno}'
            if _is_own(path):
                return where, in_optim
            fallback = fallback or where
        frame = frame.f_back
    return fallback or '<unknown>', in_optim


class _DispatchReads(TorchDispatchMode):
    """Sees ``_local_scalar_dense`` and device-to-host copies, and follows
    which tensors are computed from host-born ones only."""

    def __init__(self, counter: 'HostReadCounter') -> None:
        super().__init__()
        self.counter = counter

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = str(func)
        if name == 'aten._local_scalar_dense.default':
            self.counter.record('item', args[0])
        elif name.split('.')[1] in _SHAPE_READING_OPS or (
                name in _INDEX_OPS and _has_bool_index(args)):
            self.counter.record('sized-by-data', args[0])
        elif name in _COPY_OPS and _is_device_to_host(name, args, kwargs):
            self.counter.record('d2h', args[1] if name.startswith(
                'aten.copy_') else args[0], resident=False)
        out = func(*args, **kwargs)
        inputs = [t for t in pytree.tree_leaves((args, kwargs))
                  if isinstance(t, torch.Tensor)]
        born = self.counter.host_born
        if name == 'aten.lift_fresh.default' or (
                inputs and all(t in born for t in inputs)):
            self.counter.mark(out, True)
        return out


def _has_bool_index(args) -> bool:
    indices = args[1] if len(args) > 1 else ()
    return any(isinstance(i, torch.Tensor) and i.dtype == torch.bool
               for i in indices or ())


def _is_device_to_host(name: str, args, kwargs) -> bool:
    if name.startswith('aten.copy_'):
        dst, src = args[0], args[1]
        return src.device.type != 'cpu' and dst.device.type == 'cpu'
    device = kwargs.get('device')
    return (args[0].device.type != 'cpu' and device is not None
            and torch.device(device).type == 'cpu')


class _FunctionReads(TorchFunctionMode):
    """Sees ``.tolist()``, ``.numpy()``, ``__array__`` and ``.cpu()`` of CPU
    tensors (those of device tensors dispatch a copy, seen above)."""

    def __init__(self, counter: 'HostReadCounter') -> None:
        super().__init__()
        self.counter = counter

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        if (name in _READ_METHODS and args
                and isinstance(args[0], torch.Tensor)
                and args[0].device.type == 'cpu'):
            self.counter.record(name, args[0])
        out = func(*args, **kwargs)
        if name in _FACTORIES:
            # Without a device, a factory makes a CPU tensor in any run.
            self.counter.mark(out, kwargs.get('device') is None)
        elif name in ('to', 'cuda'):
            # .to(device) of the data: on the run's device from here on.
            self.counter.mark(out, False)
        return out


class HostReadCounter:
    """Records every host read of tensor values while entered.

    Use as a context manager; set :attr:`iteration` (and :attr:`phase`)
    as the work goes on, e.g. with :class:`HostReadIterationHook`.

    Args:
        device (str): The device the run computes on (``'cpu'``,
            ``'cuda'``); in a non-CPU run, reads of CPU tensors are resident.

    Example:
        >>> counter = HostReadCounter()
        >>> with counter:
        ...     _ = torch.ones(()).item()
        >>> counter.reads[0].kind
        'item'
    """

    def __init__(self, device: str = 'cpu') -> None:
        self.device_type = torch.device(device).type
        #: Tensors made on the host from Python data (or from such tensors
        #: only), which stay on the CPU in a GPU run too.
        self.host_born = WeakIdKeyDictionary()
        self.reads: List[HostRead] = []
        self.iteration = 0
        self.phase = 'step'
        self._modes: list = []

    def record(self, kind: str, tensor: Optional[torch.Tensor] = None,
               resident: Optional[bool] = None) -> None:
        """Add one read made now (called by the modes)."""
        source, in_optim = read_source()
        if resident is None:
            on_cpu = tensor is not None and tensor.device.type == 'cpu'
            resident = on_cpu and (self.device_type != 'cpu' or in_optim
                                   or tensor in self.host_born)
        self.reads.append(HostRead(self.iteration, self.phase, source, kind,
                                   resident))

    def mark(self, out, host_born: bool) -> None:
        """Set (or clear) the host-born flag of the tensors in ``out``."""
        for tensor in pytree.tree_leaves(out):
            if not isinstance(tensor, torch.Tensor):
                continue
            if host_born:
                self.host_born[tensor] = True
            else:
                self.host_born.pop(tensor, None)

    def __enter__(self) -> 'HostReadCounter':
        self._modes = [_FunctionReads(self), _DispatchReads(self)]
        for mode in self._modes:
            mode.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        for mode in reversed(self._modes):
            mode.__exit__(*exc)
        self._modes = []

    def per_iteration(self, resident: bool = False, phase: str = 'step'
                      ) -> Dict[int, Counter]:
        """Reads by iteration, each a ``Counter`` of sources.

        Args:
            resident (bool): Count the resident reads instead of the
                synchronising ones.
            phase (str): Count the reads of this phase only.

        Returns:
            dict[int, Counter]: ``{iteration: Counter({'source (kind)':
            n})}``.
        """
        table: Dict[int, Counter] = {}
        for read in self.reads:
            if read.resident == resident and read.phase == phase:
                table.setdefault(read.iteration, Counter())[
                    f'{read.source} ({read.kind})'] += 1
        return table

    def summary(self, iterations: Iterable[int], resident: bool = False,
                phase: str = 'step') -> Tuple[float, Counter]:
        """Mean reads per iteration over ``iterations``, and by source.

        Args:
            iterations (Iterable[int]): The 1-based iterations to average.
            resident (bool): Count the resident reads instead.
            phase (str): Count the reads of this phase only.

        Returns:
            tuple[float, Counter]: The mean, and the mean per source.
        """
        iterations = list(iterations)
        table = self.per_iteration(resident, phase)
        total: Counter = Counter()
        for iteration in iterations:
            total.update(table.get(iteration, Counter()))
        count = max(len(iterations), 1)
        means = Counter({k: v / count for k, v in total.items()})
        return sum(total.values()) / count, means


class HostReadIterationHook(Hook):
    """Tells a :class:`HostReadCounter` the runner's 1-based iteration, and
    which reads belong to reading the next batch (phase ``'data'``).

    Reads before the first iteration count as iteration 0, those of
    ``after_train`` hooks as phase ``'end'``. See :func:`watch_runner`.

    Args:
        counter (HostReadCounter): The counter to inform.
    """

    priority = 'HIGHEST'

    def __init__(self, counter: HostReadCounter) -> None:
        self.counter = counter

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        self.counter.iteration = runner.iter + 1
        self.counter.phase = 'step'

    def after_train(self, runner) -> None:
        self.counter.phase = 'end'


class HostReadDataPhaseHook(Hook):
    """Marks the reads after the last ``after_train_iter`` hook (the next
    batch's loading on the CPU) as phase ``'data'``.

    Args:
        counter (HostReadCounter): The counter to inform.
    """

    priority = 'LOWEST'

    def __init__(self, counter: HostReadCounter) -> None:
        self.counter = counter

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        self.counter.phase = 'data'


def watch_runner(runner, counter: HostReadCounter) -> None:
    """Register the hooks that keep ``counter`` informed on ``runner``.

    Args:
        runner (Runner): A built runner, before ``train()``.
        counter (HostReadCounter): The counter to inform.
    """
    runner.register_hook(HostReadIterationHook(counter))
    runner.register_hook(HostReadDataPhaseHook(counter))
