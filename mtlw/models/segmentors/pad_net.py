"""PAD-Net: multi-task guided prediction and distillation."""
from typing import Dict, Optional, Sequence, Tuple

from mmengine.model import ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import encoder_channels
from ..decode_heads.initial_task_prediction import InitialTaskPrediction
from ..necks.cross_task_distillation import CrossTaskDistillation
from ..utils.residual_blocks import residual_blocks
from ..utils.resize import concat_resized
from .multitask_dense_predictor import MultiTaskDensePredictor

#: Suffix of the terms of the intermediate predictions, e.g.
#: ``seg.loss_ce_initial``.
INITIAL = 'initial'


@MODELS.register_module()
class PADNet(MultiTaskDensePredictor):
    """PAD-Net of Xu, Ouyang, Wang, Sebe, "PAD-Net: Multi-Tasks Guided
    Prediction-and-Distillation Network for Simultaneous Depth Estimation
    and Scene Parsing" (CVPR 2018), in the form of Vandenhende et al.'s
    code (Multi-Task-Learning-PyTorch, ``models/padnet.py``).

    1. A backbone gives shared features; several maps (HRNet) are
       upsampled to the finest and concatenated (the HRNetV2
       representation), one map (a dilated ResNet-50 at stride 8) is used
       as it is.
    2. **Intermediate predictions** (:class:`InitialTaskPrediction`, two
       bottleneck blocks to ``channels`` and a 1x1 conv per task) of the
       tasks and of the ``auxiliary_tasks`` (the paper's auxiliary depth,
       normals, contours and semantics: here any task with ground truth),
       supervised under ``<task>.<term>_initial``.
    3. **Multi-modal distillation** (:class:`CrossTaskDistillation`): every
       task's features receive the attention-gated messages of all others
       (auxiliary tasks included); ``attention='target'`` is the paper's
       attention-guided message passing (the gate from the receiving task),
       ``'source'`` the gate per pair of Vandenhende's code.
    4. **Final predictions** per task: two bottleneck blocks and a 1x1 conv,
       upsampled to the input by the base (``<task>.<term>``).

    The same distillation module serves the distilled DeepLabV3+
    (:class:`DeepLabDistilled`).

    Gradient-based weighters: use ``shared='backbone'``; ``'params'`` and
    ``'representation'`` modes apply (every loss depends on the input only
    through the backbone's output).

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): Backbone config, e.g. timm ``resnet50`` with
            ``features_only=True, output_stride=8, out_indices=(4, )`` or
            ``hrnet_w18`` with ``feature_location=''``.
        in_channels (Sequence[int], optional): Channels of the backbone's
            maps if they cannot be read from timm.
        channels (int): Width of the task features. Defaults to 256.
        block (str): Residual block of the task branches, ``'bottleneck'``
            (Vandenhende's code) or ``'basic'``.
        distillation (dict): :class:`CrossTaskDistillation` options, e.g.
            ``dict(attention='source', bias=False)``. Defaults to the
            paper's form.
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``auxiliary_tasks``, ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 in_channels: Optional[Sequence[int]] = None,
                 channels: int = 256, block: str = 'bottleneck',
                 distillation: dict = dict(), **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.backbone = MODELS.build(backbone)
        width = sum(encoder_channels(self.backbone, in_channels))
        outputs = {name: task.channels for name, task in
                   [*self.tasks.items(), *self.auxiliary_tasks.items()]}
        self.initial = InitialTaskPrediction(outputs, width, channels, block)
        self.distillation = CrossTaskDistillation(
            list(self.tasks), channels, list(outputs),
            **distillation) if len(outputs) > 1 else None
        self.heads = ModuleDict({
            name: nn.Sequential(
                residual_blocks(channels, channels, block=block),
                nn.Conv2d(channels, task.channels, 1))
            for name, task in self.tasks.items()
        })

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Final maps of every task."""
        return self.forward_supervised(inputs)[0]

    def forward_supervised(
            self, inputs: Tensor
    ) -> Tuple[Dict[str, Tensor], Dict[str, Dict[str, Tensor]]]:
        """Final maps and the intermediate predictions (``initial``)."""
        maps = self.backbone(inputs)
        shared = concat_resized(list(maps) if isinstance(
            maps, (list, tuple)) else [maps])
        features, initial = self.initial(shared)
        if self.distillation is not None:
            features = self.distillation(features)
        finals = {name: head(features[name])
                  for name, head in self.heads.items()}
        return finals, {INITIAL: initial}
