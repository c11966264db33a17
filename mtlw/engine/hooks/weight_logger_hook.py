"""Logs the weights of the model's weighter."""
from typing import Optional

import torch
from mmengine.hooks import Hook, LoggerHook

from mtlw.registry import HOOKS
from mtlw.weighting import get_weighter
from ..device_scalar_log import DeviceScalarLog


@HOOKS.register_module()
class WeightLoggerHook(Hook):
    """Puts every loss weight into the log as ``weight/<loss key>``, and
    the number of training steps skipped or masked for non-finite losses
    (in this process) as ``nonfinite/skipped``.

    The weights stay on the device during training; they are read only every
    ``interval`` iterations, just before the logger writes (with the other
    values in one transfer under ``SyncFreeRuntimeInfoHook``), so the
    weighting adds no host synchronisation to the other steps. The values
    reach the text log and every visualizer backend (TensorBoard, ...)
    through the message hub. Keep ``weight/`` out of the log processor's
    ``mean_pattern`` (as ``configs/_base_/default_runtime.py`` does) to log
    the current weights rather than a moving average.

    Args:
        interval (int, optional): Logging interval in iterations; defaults to
            the runner's ``LoggerHook`` interval.
    """

    priority = 'NORMAL'  # before LoggerHook (BELOW_NORMAL)

    def __init__(self, interval: Optional[int] = None) -> None:
        self.interval = interval

    def before_train(self, runner) -> None:
        """Take the logger's interval unless one was given."""
        if self.interval is None:
            logger_hook = next(
                (h for h in runner.hooks if isinstance(h, LoggerHook)), None)
            self.interval = getattr(logger_hook, 'interval', 10)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        """Publish the latest weights and the count of non-finite steps
        every ``interval`` iterations."""
        weighter = get_weighter(runner.model)
        if weighter is None or weighter.latest_weights is None:
            return
        if not (self.every_n_train_iters(runner, self.interval)
                or self.end_of_epoch(runner.train_dataloader, batch_idx)):
            return
        values = dict(zip((f'train/weight/{name}'
                           for name in weighter.loss_names),
                          weighter.latest_weights.unbind()))
        values['train/nonfinite/skipped'] = weighter.nonfinite_steps
        log = (DeviceScalarLog.for_message_hub(runner.message_hub)
               if getattr(runner.log_processor, 'reads_device_log', False)
               else None)
        if log is not None:  # read with the other values, one transfer
            log.add(values)
            return
        read = torch.stack([v.double() for v in values.values()]).tolist()
        for (key, tensor), value in zip(values.items(), read):
            runner.message_hub.update_scalar(
                key, value if tensor.is_floating_point() else int(value))
