"""The log processor that reads the device-side values first."""
from typing import Tuple

from mmengine.runner import LogProcessor

from mtlw.registry import LOG_PROCESSORS
from .hooks.sync_free_runtime_info_hook import flush_device_log


@LOG_PROCESSORS.register_module()
class SyncFreeLogProcessor(LogProcessor):
    """MMEngine's ``LogProcessor`` that first reads the values kept on the
    device since the last log (:class:`~mtlw.engine.
    SyncFreeRuntimeInfoHook`) into the message hub, with one transfer.

    The logger's training iterations are then the only ones that wait for
    the device. Arguments as MMEngine's ``LogProcessor``.
    """

    #: Tells ``SyncFreeRuntimeInfoHook`` that the logger's reads flush.
    reads_device_log = True

    def get_log_after_iter(self, runner, batch_idx: int,
                           mode: str) -> Tuple[dict, str]:
        """Flush the device log (training), then format as MMEngine does."""
        if mode == 'train':
            flush_device_log(runner)
        return super().get_log_after_iter(runner, batch_idx, mode)
