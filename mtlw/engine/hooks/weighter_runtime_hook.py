"""Hands the training loop's facts to the model's weighter."""
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper

from mtlw.registry import HOOKS
from mtlw.weighting.weighted_model import get_weighter


@HOOKS.register_module()
class WeighterRuntimeHook(Hook):
    """Tells the weighter the epoch length and the AMP loss scaler.

    Epoch-based rules (DWA, Loss Scale Balancing) default their period to one
    epoch of the train dataloader; gradient-based rules (GradNorm, MGDA) scale
    their own gradient computations like the optimizer's loss scaler.
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        """Bind the dataloader length and the loss scaler, if any."""
        weighter = get_weighter(runner.model)
        if weighter is None:
            return
        optim_wrapper = runner.optim_wrapper
        scaler = (optim_wrapper.loss_scaler
                  if isinstance(optim_wrapper, AmpOptimWrapper) else None)
        weighter.bind_runtime(
            iters_per_epoch=len(runner.train_dataloader), grad_scaler=scaler)
