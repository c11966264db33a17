"""The base of rules that reweigh once per period from period mean losses."""
from typing import Optional, Tuple

import torch
from torch import Tensor

from .base import BaseWeighter


class PeriodicWeighter(BaseWeighter):
    """A weighter whose weights change only at period ends.

    Keeps the running sum and count of the observed losses of the current
    period as buffers; :meth:`accumulate` adds one training step and says,
    on the device, whether the period ended with it. Subclasses (DWA, Loss
    Scale Balancing) update their weights from the period means with
    ``torch.where`` on that flag, so no step reads a value back to the host.

    Args:
        period (int, optional): Period length in training iterations.
            Defaults to one epoch, which :meth:`bind_runtime` receives from
            the training loop (``WeighterRuntimeHook``).
        nonfinite (str): See :class:`BaseWeighter`.
    """

    def __init__(self, period: Optional[int] = None,
                 nonfinite: str = 'raise') -> None:
        super().__init__(nonfinite=nonfinite)
        if period is not None and (not isinstance(period, int) or period < 1):
            raise ValueError(
                f'period must be a positive int or None, got {period!r}')
        self.period = period
        self.iters_per_epoch: Optional[int] = None

    def bind_runtime(self, iters_per_epoch: Optional[int] = None,
                     grad_scaler: Optional[object] = None) -> None:
        """Take the epoch length as the default period."""
        if iters_per_epoch is not None:
            self.iters_per_epoch = int(iters_per_epoch)

    @property
    def period_length(self) -> Optional[int]:
        """The period in iterations: ``period``, else one epoch, else None."""
        return self.period if self.period is not None else self.iters_per_epoch

    def init_state(self, num_losses: int) -> None:
        device = self.step.device
        self.register_buffer('period_sum', torch.zeros(num_losses,
                                                       device=device))
        for name in ('period_count', 'periods_done'):
            self.register_buffer(
                name, torch.zeros((), dtype=torch.long, device=device))

    def accumulate(self, observed: Tensor) -> Tuple[Tensor, Tensor]:
        """Add one training step's observed losses to the current period.

        Args:
            observed (Tensor): (K,) observed losses of this step.

        Returns:
            tuple[Tensor, Tensor]: Whether the period ended with this step
            (a boolean scalar; ``periods_done`` already counts it) and the
            (K,) means of the period so far.
        """
        length = self.period_length
        if length is None:
            raise RuntimeError(
                f'{type(self).__name__} has no period: pass period=<iters> '
                'or train with WeighterRuntimeHook, which sets one epoch')
        sums = self.period_sum + observed
        count = self.period_count + 1
        ended = count >= length
        self.period_sum.copy_(torch.where(ended, torch.zeros_like(sums), sums))
        self.period_count.copy_(torch.where(ended, torch.zeros_like(count),
                                            count))
        self.periods_done.add_(ended.long())
        return ended, sums / count

    def extra_repr(self) -> str:
        return f'period={self.period}, ' + super().extra_repr()
