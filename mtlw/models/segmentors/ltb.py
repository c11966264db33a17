"""Learning to Branch: a learned tree of task columns."""
import math
from typing import Dict

import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.model import ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS
from .multitask_dense_predictor import MultiTaskDensePredictor


def training_progress() -> float:
    """The fraction of training done, from the runner's message hub (1.0
    outside a runner)."""
    hub = MessageHub.get_current_instance()
    max_iters = hub.get_info('max_iters')
    if not max_iters:
        return 1.0
    return min(hub.get_info('iter', 0) / max_iters, 1.0)


@MODELS.register_module()
class LTB(MultiTaskDensePredictor):
    """Guo, Lee, Ulbricht, "Learning to Branch for Multi-Task Learning"
    (ICML 2020), for dense prediction as LibMTL adapts it: one encoder
    column per task, cut into stages (:class:`EncoderStages`); the input of
    task ``t``'s stage ``i`` is ``sum_j a[i, t, j] * out[i - 1, j]``, the
    outputs of the previous stage of all columns weighted by a sample of
    ``a = gumbel_softmax(alpha, tau, hard=True)`` over the parents ``j``.
    Columns that pick the same parents share the computation below, so
    training learns where the tasks branch.

    The schedule is LibMTL's, in epochs ``e`` of a schedule of
    ``num_epochs`` spread over the run's iterations: ``a = 1`` everywhere
    (every parent summed) while ``e < num_epochs / 100``, then
    ``tau = num_epochs / 20 / sqrt(floor(e) + 1)``. At evaluation each
    column takes its most likely parent (``argmax alpha``; LibMTL samples
    there too).

    Gradient-based weighters use ``shared='columns'`` in ``mode='params'``.

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): Config of one column (ResNet-like timm encoder with
            ``features_only=True``).
        decoder (dict): Decoder config without ``out_channels``.
        num_epochs (int): Length of the branching schedule in LibMTL's
            epochs. Defaults to 200 (LibMTL's NYUv2 schedule).
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict, decoder: dict,
                 num_epochs: int = 200, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.num_epochs = num_epochs
        self.columns = ModuleList(
            MODELS.build(dict(type='EncoderStages', backbone=backbone))
            for _ in self.tasks)
        num_tasks, num_stages = len(self.tasks), len(self.columns[0].stages)
        #: Branching logits of stages 1.. : (stage - 1, child, parent).
        self.alpha = nn.Parameter(
            torch.ones(num_stages - 1, num_tasks, num_tasks))
        self.decoders = ModuleList(
            MODELS.build(dict(decoder, out_channels=task.channels))
            for task in self.tasks.values())

    def branching(self) -> Tensor:
        """This step's parent choice ``a`` of every stage and column."""
        if not self.training:
            return F.one_hot(self.alpha.argmax(-1),
                             self.alpha.shape[-1]).to(self.alpha)
        epoch = training_progress() * self.num_epochs
        if epoch < self.num_epochs / 100:
            # All ones, on the graph of alpha with a zero gradient (DDP
            # expects a gradient for every parameter at every step).
            return self.alpha * 0 + 1
        tau = self.num_epochs / 20 / math.sqrt(math.floor(epoch) + 1)
        return F.gumbel_softmax(self.alpha, tau=tau, hard=True, dim=-1)

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Each column's decoder on its last stage."""
        choice = self.branching()
        outputs = [column.stages[0](inputs) for column in self.columns]
        for level in range(1, len(self.columns[0].stages)):
            parents = torch.stack(outputs)
            outputs = [
                column.stages[level](torch.einsum(
                    'p,pbchw->bchw', choice[level - 1, child], parents))
                for child, column in enumerate(self.columns)
            ]
        return {name: decoder(output) for name, decoder, output in zip(
            self.tasks, self.decoders, outputs)}
