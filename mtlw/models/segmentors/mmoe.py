"""Multi-gate Mixture-of-Experts for dense prediction."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.model import ModuleDict, ModuleList
from torch import Tensor

from mtlw.registry import MODELS
from mtlw.weighting import REGULARIZER_PREFIX
from ..backbones.encoder_columns import last_feature
from .multitask_dense_predictor import MultiTaskDensePredictor


def mix_experts(features: List[Tensor], weights: Tensor) -> Tensor:
    """``sum_e weights[:, e] * features[e]`` per sample."""
    return torch.einsum('be,ebchw->bchw', weights, torch.stack(features))


@MODELS.register_module()
class MMoE(MultiTaskDensePredictor):
    """Ma et al., "Modeling Task Relationships in Multi-task Learning with
    Multi-gate Mixture-of-Experts" (KDD 2018), for dense prediction as
    LibMTL adapts it: the experts are whole encoders, each task's gate reads
    the flattened input image and weighs the experts' last feature maps per
    sample, and the task's decoder reads the mixture.

    ``num_task_experts > 0`` adds experts that only one task's gate sees
    (:class:`CGC`); another ``gate`` (:class:`DSelectGate`) gives
    :class:`DSelectK`. A gate returns the (B, n) expert weights, or a pair
    ``(weights, selections)`` (:class:`DSelectGate`) whose
    ``gate.regularizer(selections)`` joins the loss as ``reg.<task>_gate``,
    unweighted; the regularisers come from the same forward as the task
    maps, and nothing of the graph is kept after the step.

    Gradient-based weighters differentiate against ``shared='experts'`` in
    ``mode='params'``; there is no single shared representation (each task
    mixes the experts its own way), so ``mode='representation'`` does not
    apply.

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): Config of one expert (an encoder whose last map is
            used).
        decoder (dict): Decoder config without ``out_channels``.
        img_size (Sequence[int]): (H, W) of the training images: the gates
            read the whole flattened (3, H, W) input.
        num_experts (int): Experts shared by all tasks. Defaults to 4.
        num_task_experts (int): Experts of each task alone. Defaults to 0.
        gate (dict, optional): Gate config without ``input_shape`` and
            ``num_experts``, merged into the default :class:`SoftmaxGate`
            (:class:`DSelectGate` for :class:`DSelectK`).
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    default_gate = dict(type='SoftmaxGate')

    def __init__(self, tasks: Dict[str, dict], backbone: dict, decoder: dict,
                 img_size: Sequence[int], num_experts: int = 4,
                 num_task_experts: int = 0, gate: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        if num_experts < 1 or num_task_experts < 0:
            raise ValueError(f'{type(self).__name__} needs num_experts >= 1 '
                             f'and num_task_experts >= 0, got {num_experts} '
                             f'and {num_task_experts}')
        self.experts = ModuleList(
            MODELS.build(backbone) for _ in range(num_experts))
        self.task_experts = ModuleDict({
            name: ModuleList(
                MODELS.build(backbone) for _ in range(num_task_experts))
            for name in self.tasks
        })
        gate = dict(self.default_gate, **(gate or {}),
                    input_shape=(3, *img_size),
                    num_experts=num_experts + num_task_experts)
        self.gates = ModuleDict(
            {name: MODELS.build(gate) for name in self.tasks})
        self.decoders = ModuleDict({
            name: MODELS.build(dict(decoder, out_channels=task.channels))
            for name, task in self.tasks.items()
        })

    def gate(self, name: str,
             inputs: Tensor) -> Tuple[Tensor, Dict[str, Tensor]]:
        """The expert weights of task ``name``'s gate and its regulariser.

        Args:
            name (str): The task.
            inputs (Tensor): The (B, 3, H, W) input batch.

        Returns:
            tuple[Tensor, dict[str, Tensor]]: (B, n) weights and
            ``{'reg.<task>_gate': regulariser}`` (empty for a gate that
            returns only weights).
        """
        gate = self.gates[name]
        output = gate(inputs)
        if isinstance(output, Tensor):
            return output, {}
        weights, selections = output
        key = f'{REGULARIZER_PREFIX}{name}_gate'
        return weights, {key: gate.regularizer(selections)}

    def forward_gated(
            self,
            inputs: Tensor) -> Tuple[Dict[str, Tensor], Dict[str, Tensor]]:
        """Each task's decoder on its gate's mixture of the experts, and
        the gates' regularisers (``reg.<task>_gate``)."""
        shared = [last_feature(expert(inputs)) for expert in self.experts]
        maps, regularisers = {}, {}
        for name, decoder in self.decoders.items():
            own = [last_feature(expert(inputs))
                   for expert in self.task_experts[name]]
            weights, regulariser = self.gate(name, inputs)
            maps[name] = decoder(mix_experts(shared + own, weights))
            regularisers.update(regulariser)
        return maps, regularisers

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Each task's decoder on its gate's mixture of the experts."""
        return self.forward_gated(inputs)[0]

    def loss(self, inputs: Tensor, data_samples: List) -> Dict[str, Tensor]:
        """The tasks' terms and the gates' regularisers (``reg.*``), of one
        forward."""
        maps, regularisers = self.forward_gated(inputs)
        return {**self.supervised_losses(maps, {}, inputs, data_samples),
                **regularisers}
