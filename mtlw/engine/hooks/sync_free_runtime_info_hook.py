"""Runtime information without a host read per iteration."""
import logging
from typing import List, Optional

from mmengine.hooks import RuntimeInfoHook
from mmengine.logging import print_log
from torch import Tensor

from mtlw.registry import HOOKS
from mtlw.weighting import BaseWeighter, NonFiniteLossError, get_weighter
from ..device_scalar_log import DeviceScalarLog


@HOOKS.register_module()
class SyncFreeRuntimeInfoHook(RuntimeInfoHook):
    """MMEngine's ``RuntimeInfoHook`` with the model's log variables kept on
    the device between the logger's reads.

    MMEngine's hook puts every log variable into the message hub after every
    iteration (``update_scalar``, one ``.item()`` each: on a GPU, one wait
    for the device per loss term per step). This hook adds them to a
    :class:`~mtlw.engine.DeviceScalarLog` instead, which is read with one
    transfer when the logger writes (``SyncFreeLogProcessor``), before a
    checkpoint is saved and at the end of training (every iteration with
    another log processor, as MMEngine does). The message hub then
    holds exactly the per-iteration history that MMEngine's hook builds, so
    the text log, ``scalars.json``, TensorBoard and resumed runs show the
    same numbers.

    At each read it also reads the device-side non-finite record of the
    model's weighter (``nonfinite='raise'`` or ``'skip'`` decided on the
    device, see :class:`~mtlw.engine.SyncFreeOptimWrapper`): ``'raise'``
    raises :class:`~mtlw.weighting.NonFiniteLossError` naming the first
    iteration and loss that went non-finite; ``'skip'`` logs a warning with
    the number of skipped steps.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self.device_log: Optional[DeviceScalarLog] = None
        self._skips_reported = 0
        self._unread_iters = 0

    def before_run(self, runner) -> None:
        """Create the device log of the runner's message hub."""
        super().before_run(runner)
        self.device_log = DeviceScalarLog.get_instance(
            runner.message_hub.instance_name)
        self.device_log.clear()
        self._unread_iters = 0

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Keep the iteration's log variables on the device."""
        self._unread_iters += 1
        if outputs is not None:
            self.device_log.add(
                {f'train/{key}': value for key, value in outputs.items()})
        if not getattr(runner.log_processor, 'reads_device_log', False):
            # a log processor that does not flush: read every iteration
            self.flush(runner)

    def flush(self, runner) -> None:
        """Read every pending value into the message hub (one transfer)
        and act on a non-finite loss recorded on the device.

        Args:
            runner (Runner): The training runner.
        """
        if not self._unread_iters:
            return
        self._unread_iters = 0
        weighter = get_weighter(runner.model)
        watched = deferred_nonfinite_record(weighter)
        extras = self.device_log.flush(runner.message_hub, watched)
        if watched:
            self._report(weighter, *extras)

    def _report(self, weighter: BaseWeighter, first: List[float],
                count: List[float]) -> None:
        iteration, index = (int(v) for v in first)
        if iteration < 0:
            return
        name = weighter.loss_names[index]
        where = (f'non-finite loss {name!r} first at iteration {iteration} '
                 f'given to {type(weighter).__name__} (found on the device)')
        if weighter.nonfinite == 'raise':
            raise NonFiniteLossError(
                where + '; no optimizer update was made from that iteration '
                "on. Set nonfinite='skip' (or 'mask') on the weighter to "
                'skip such steps (or drop such losses) instead')
        skipped = int(count[0])
        if skipped > self._skips_reported:
            self._skips_reported = skipped
            print_log(f'{where}; {skipped} non-finite step(s) so far, '
                      'skipped (no optimizer update)', logger='current',
                      level=logging.WARNING)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Save the message hub with the values still on the device."""
        if self._unread_iters:
            self.flush(runner)
            checkpoint['message_hub'] = runner.message_hub.state_dict()

    def after_train(self, runner) -> None:
        """Read the values of the last iterations."""
        self.flush(runner)
        super().after_train(runner)


def deferred_nonfinite_record(weighter: Optional[BaseWeighter]
                              ) -> List[Tensor]:
    """The device tensors that say whether a non-finite loss was met by a
    weighter that decides on the device: ``[first_nonfinite,
    nonfinite_steps]``, or an empty list.

    Args:
        weighter (BaseWeighter, optional): The model's weighter.

    Returns:
        list[Tensor]: What to read at the next read point.
    """
    if weighter is None or not weighter.defer_nonfinite:
        return []
    return [weighter.first_nonfinite, weighter.nonfinite_steps]


def flush_device_log(runner) -> None:
    """Flush the runner's :class:`SyncFreeRuntimeInfoHook`, if it has one.

    Args:
        runner (Runner): The training runner.
    """
    for hook in runner.hooks:
        if isinstance(hook, SyncFreeRuntimeInfoHook):
            hook.flush(runner)
