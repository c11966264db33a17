"""Progressive Layered Extraction: gated experts at every encoder stage."""
from typing import Dict, List, Sequence, Tuple

import torch
from mmengine.model import ModuleDict, ModuleList
from torch import Tensor

from mtlw.registry import MODELS
from .mmoe import mix_experts
from .multitask_dense_predictor import MultiTaskDensePredictor


@MODELS.register_module()
class PLE(MultiTaskDensePredictor):
    """Tang et al., "Progressive Layered Extraction (PLE): A Novel Multi-Task
    Learning (MTL) Model for Personalized Recommendations" (RecSys 2020),
    for dense prediction as LibMTL adapts it: every expert is an encoder cut
    into its stages (:class:`EncoderStages`); at stage ``i`` each task runs
    the shared experts' and its own experts' stage ``i`` on its current
    representation and mixes them with its gate of that stage (a softmax of
    a linear map of the flattened representation). The last mixture of each
    task feeds its decoder.

    As in LibMTL, each task has its own stream from the first stage on (the
    paper's shared gates, which build a shared stream, are left out) and
    the experts must be ResNet-like timm encoders. Gradient-based weighters
    use ``shared='experts'`` in ``mode='params'``.

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): Config of one expert encoder (ResNet-like timm
            model with ``features_only=True``).
        decoder (dict): Decoder config without ``out_channels``.
        img_size (Sequence[int]): (H, W) of the training images.
        num_experts (int): Experts shared by all tasks. Defaults to 1.
        num_task_experts (int): Experts of each task alone. Defaults to 1.
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict, decoder: dict,
                 img_size: Sequence[int], num_experts: int = 1,
                 num_task_experts: int = 1, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        if num_experts < 1 or num_task_experts < 0:
            raise ValueError(f'PLE needs num_experts >= 1 and '
                             f'num_task_experts >= 0, got {num_experts} and '
                             f'{num_task_experts}')
        staged = dict(type='EncoderStages', backbone=backbone)
        self.experts = ModuleList(
            MODELS.build(staged) for _ in range(num_experts))
        self.task_experts = ModuleDict({
            name: ModuleList(
                MODELS.build(staged) for _ in range(num_task_experts))
            for name in self.tasks
        })
        shapes = self._stage_input_shapes((3, *img_size))
        total = num_experts + num_task_experts
        self.gates = ModuleDict({
            name: ModuleList(
                MODELS.build(dict(type='SoftmaxGate', input_shape=shape,
                                  num_experts=total)) for shape in shapes)
            for name in self.tasks
        })
        self.decoders = ModuleDict({
            name: MODELS.build(dict(decoder, out_channels=task.channels))
            for name, task in self.tasks.items()
        })

    @torch.no_grad()
    def _stage_input_shapes(self, input_shape: Tuple[int, ...]
                            ) -> List[Tuple[int, ...]]:
        """(C, H, W) of what each stage reads, from a dry run in eval mode
        (no batch-norm statistics move)."""
        expert = self.experts[0]
        was_training = expert.training
        expert.eval()
        shapes, features = [], torch.zeros(1, *input_shape)
        for stage in expert.stages:
            shapes.append(tuple(features.shape[1:]))
            features = stage(features)
        expert.train(was_training)
        return shapes

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Each task's decoder on its last gated mixture."""
        streams = {name: inputs for name in self.tasks}
        for level in range(len(self.experts[0].stages)):
            for name in self.tasks:
                experts = list(self.experts) + list(self.task_experts[name])
                features = [expert.stages[level](streams[name])
                            for expert in experts]
                weights = self.gates[name][level](streams[name])
                streams[name] = mix_experts(features, weights)
        return {name: decoder(streams[name])
                for name, decoder in self.decoders.items()}
