"""An optimizer wrapper that neither reads the gradient norm nor the
non-finite decision on the host."""
from typing import Optional

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS as ROOT_OPTIM_WRAPPERS
from torch import Tensor

from mtlw.registry import OPTIM_WRAPPERS
from mtlw.weighting import BaseWeighter
from .device_scalar_log import DeviceScalarLog


@OPTIM_WRAPPERS.register_module()
class SyncFreeOptimWrapper(OptimWrapper):
    """MMEngine's ``OptimWrapper`` without host reads in the update.

    - **Gradient norm.** With ``clip_grad``, the norm that MMEngine reads
      with ``float()`` every step for the log goes to the runner's
      :class:`~mtlw.engine.DeviceScalarLog` (read at the logger's
      iterations); without one, it is read as MMEngine does.
    - **Non-finite steps.** Bound to the model's weighter
      (:meth:`bind_weighter`, done by ``WeighterRuntimeHook``), a step the
      weighter skipped on the host (``skipped_step``) gets no update at
      all, and a step it judged on the device (``step_ok``) is masked on
      the device: a fused optimizer (``fused=True``, which torch offers for
      SGD, Adam and AdamW) receives ``found_inf = not step_ok`` as under
      AMP, and skips the update of parameters, moments and step counters
      in its kernel.

    Arguments as MMEngine's ``OptimWrapper``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._weighter: Optional[BaseWeighter] = None
        self._step_ok: Optional[Tensor] = None

    @property
    def masks_on_device(self) -> bool:
        """Whether the optimizer can skip a step on the device."""
        return bool(getattr(self.optimizer, '_step_supports_amp_scaling',
                            False))

    def bind_weighter(self, weighter: Optional[BaseWeighter]) -> None:
        """Follow the non-finite decisions of ``weighter``.

        Args:
            weighter (BaseWeighter, optional): The model's weighter.
        """
        self._weighter = weighter

    def update_params(self, loss: Tensor, step_kwargs=None,
                      zero_kwargs=None) -> None:
        """MMEngine's update, none at all after a step skipped on the host,
        masked on the device after one judged there."""
        weighter = self._weighter
        if weighter is not None and weighter.skipped_step:
            return
        ok = None if weighter is None else weighter.step_ok
        if ok is not None:  # accumulated steps: all must be fine
            self._step_ok = ok if self._step_ok is None else self._step_ok & ok
        super().update_params(loss, step_kwargs, zero_kwargs)

    def step(self, **kwargs) -> None:
        """Clip and step; masked on the device when a decision is pending."""
        ok, self._step_ok = self._step_ok, None
        if ok is None:
            return super().step(**kwargs)
        if not self.masks_on_device:
            if not bool(ok):  # a host read: the optimizer is not fused
                return None
            return super().step(**kwargs)
        self._prepare_momentum()
        self.optimizer.found_inf = (~ok).float()
        try:
            return super().step(**kwargs)
        finally:
            del self.optimizer.found_inf

    def _prepare_momentum(self) -> None:
        """Give fused SGD zero momentum buffers before its first step.

        On its first step fused SGD makes uninitialised buffers and fills
        them with the gradients; a masked first step would leave them
        uninitialised. With zero dampening, a zero buffer gives the same
        first update (``momentum * 0 + grad``).
        """
        optimizer = self.optimizer
        if not isinstance(optimizer, torch.optim.SGD):
            return
        for group in optimizer.param_groups:
            if group['momentum'] == 0 or group['dampening'] != 0:
                continue
            for param in group['params']:
                state = optimizer.state[param]
                if state.get('momentum_buffer') is None:
                    state['momentum_buffer'] = torch.zeros_like(param)

    def _clip_grad(self) -> None:
        """Clip the gradients; log the norm on the device when it can."""
        params = [p for group in self.optimizer.param_groups
                  for p in group['params']
                  if p.requires_grad and p.grad is not None]
        if not params:
            return
        norm = self.clip_func(params, **self.clip_grad_kwargs)
        if norm is None:  # clip_grad_value_
            return
        log = DeviceScalarLog.for_message_hub(self.message_hub)
        key = f'train/{self.grad_name}'
        if log is None:
            self.message_hub.update_scalar(key, float(norm))
        else:
            log.add({key: norm})


# Also in MMEngine's own registry: ``build_optim_wrapper`` called outside
# mmseg's scope (scripts, tests) looks there only.
ROOT_OPTIM_WRAPPERS.register_module(module=SyncFreeOptimWrapper)
