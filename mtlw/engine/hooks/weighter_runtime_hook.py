"""Hands the training loop's facts to the model's weighter."""
import functools

from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from mtlw.registry import HOOKS
from mtlw.weighting import BaseWeighter, get_weighter
from ..sync_free_optim_wrapper import SyncFreeOptimWrapper
from .sync_free_runtime_info_hook import SyncFreeRuntimeInfoHook


def skip_updates_of_skipped_steps(optim_wrapper: OptimWrapper,
                                  weighter: BaseWeighter) -> None:
    """Make ``optim_wrapper.update_params`` do nothing after a step the
    weighter skipped (``nonfinite='skip'``).

    MMEngine's ``train_step`` (also ``MMDistributedDataParallel``'s) calls
    ``model.parse_losses`` and then ``optim_wrapper.update_params(total)``.
    After a skipped step nothing of that update runs: no backward, no
    optimizer step (whose moments would move even with zero gradients), no
    gradient clipping, no AMP scaler step or update, no count towards
    gradient accumulation. Every rank skips alike, as the weighter decides
    on rank-averaged losses; without a backward, DDP's reducer has nothing
    pending. Installed once per optimizer wrapper.

    Args:
        optim_wrapper (OptimWrapper): The runner's optimizer wrapper.
        weighter (BaseWeighter): The model's weighter.
    """
    update_params = optim_wrapper.update_params
    if getattr(update_params, 'skips_nonfinite_steps', False):
        return

    @functools.wraps(update_params)
    def guarded(loss, *args, **kwargs):
        if weighter.skipped_step:
            return None
        return update_params(loss, *args, **kwargs)

    guarded.skips_nonfinite_steps = True
    optim_wrapper.update_params = guarded


@HOOKS.register_module()
class WeighterRuntimeHook(Hook):
    """Tells the weighter the epoch length, the AMP loss scaler and the
    iteration, and skips the optimizer update of skipped steps.

    Epoch-based rules (DWA, Loss Scale Balancing) default their period to one
    epoch of the train dataloader; gradient-based rules (GradNorm, MGDA) scale
    their own gradient computations like the optimizer's loss scaler. Before
    each train iteration the weighter learns the runner's 1-based iteration
    (the ``Iter(train)`` of the log), which its messages name. A step that
    the weighter skips (``nonfinite='skip'``) gets no optimizer update at
    all (:func:`skip_updates_of_skipped_steps`).

    With a :class:`~mtlw.engine.SyncFreeOptimWrapper` whose optimizer is
    fused (no AMP loss scaler) and a
    :class:`~mtlw.engine.SyncFreeRuntimeInfoHook` to report at the
    logger's reads, ``'raise'`` and ``'skip'`` are decided on the device
    (``defer_nonfinite``): the wrapper masks the step in the fused kernel,
    and the error or warning comes at the next read point.
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        """Bind the dataloader length and the loss scaler, if any, and
        guard the optimizer update."""
        weighter = get_weighter(runner.model)
        if weighter is None:
            return
        optim_wrapper = runner.optim_wrapper
        scaler = (optim_wrapper.loss_scaler
                  if isinstance(optim_wrapper, AmpOptimWrapper) else None)
        weighter.bind_runtime(
            iters_per_epoch=len(runner.train_dataloader), grad_scaler=scaler)
        if isinstance(optim_wrapper, SyncFreeOptimWrapper):
            optim_wrapper.bind_weighter(weighter)
            weighter.defer_nonfinite = (
                optim_wrapper.masks_on_device and scaler is None
                and any(isinstance(hook, SyncFreeRuntimeInfoHook)
                        for hook in runner.hooks))
        elif isinstance(optim_wrapper, OptimWrapper):
            skip_updates_of_skipped_steps(optim_wrapper, weighter)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        """Tell the weighter the 1-based iteration about to run."""
        weighter = get_weighter(runner.model)
        if weighter is not None:
            weighter.iteration = runner.iter + 1
