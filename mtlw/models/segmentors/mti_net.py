"""MTI-Net: multi-scale task interaction on an HRNet backbone."""
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.model import ModuleDict, ModuleList
from torch import Tensor

from mtlw.registry import MODELS
from ..backbones.deeplab_encoder import encoder_channels
from ..decode_heads.initial_task_prediction import InitialTaskPrediction
from ..decode_heads.multi_scale_head import MultiScaleHead
from ..necks.cross_task_distillation import CrossTaskDistillation
from ..necks.feature_propagation import FeaturePropagation
from ..utils.resize import concat_resized
from .multitask_dense_predictor import MultiTaskDensePredictor

#: MTI-Net's distillation as Vandenhende's code builds it: a gate per pair
#: of tasks from the sending task's features, convolutions without bias.
MTI_DISTILLATION = dict(attention='source', bias=False)


def scale_suffix(stride: int) -> str:
    """Suffix of the deep-supervision terms at a stride: ``s1_<stride>``
    (scale 1/stride), e.g. ``seg.loss_ce_s1_4``."""
    return f's1_{stride}'


@MODELS.register_module()
class MTINet(MultiTaskDensePredictor):
    """MTI-Net of Vandenhende, Georgoulis, Van Gool, "MTI-Net: Multi-Scale
    Task Interaction Networks for Multi-Task Learning" (ECCV 2020), as in
    the authors' code (Multi-Task-Learning-PyTorch, ``models/mti_net.py``).

    A backbone gives maps at ``S`` scales (HRNet: strides 4, 8, 16, 32 with
    18, 36, 72, 144 channels for HRNet-W18). From the coarsest scale to the
    finest:

    1. **initial task predictions** (:class:`InitialTaskPrediction`, two
       basic blocks and a 1x1 conv per task): from the scale's map, joined
       (concatenated) with the task's features propagated from the coarser
       scale; every prediction is supervised (deep supervision) under
       ``<task>.<term>_s1_<stride>``, e.g. ``seg.loss_ce_s1_4`` for the
       stride-4 scale ('/' is not used in loss keys: they are matched as
       regular expressions and written to logs and file names);
    2. the **feature propagation module** (:class:`FeaturePropagation`)
       mixes the scale's task features for the next, finer scale;
    3. **multi-modal distillation** per scale
       (:class:`CrossTaskDistillation`, the sending tasks' features gated
       by attention and added to each task's);
    4. **feature aggregation**: per task, the distilled features of all
       scales go through an HRNetV2 head (:class:`MultiScaleHead`), the
       final prediction (``<task>.<term>``) at stride 4, upsampled by the
       base.

    ``auxiliary_tasks`` (see :class:`MultiTaskDensePredictor`) are predicted
    and supervised at every scale and send messages in the distillation,
    but get no final head. With a single task in all, the distillation is
    the identity.

    Gradient-based weighters: use ``shared='backbone'``. Both modes apply:
    ``'params'`` (the backbone's parameters) and ``'representation'``, as
    every loss, final or deep-supervision, depends on the input only
    through the backbone's maps (one tuple, all of whose tensors are
    differentiated against).

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): Backbone config returning one map per scale,
            finest first, e.g. timm ``hrnet_w18`` with
            ``features_only=True, feature_location='',
            out_indices=(1, 2, 3, 4)``.
        in_channels (Sequence[int], optional): Channels of the backbone's
            maps if they cannot be read from timm.
        strides (Sequence[int]): Strides of the maps, for the loss keys.
            Defaults to (4, 8, 16, 32).
        distillation (dict): :class:`CrossTaskDistillation` options.
            Defaults to :data:`MTI_DISTILLATION`.
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``auxiliary_tasks``, ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 in_channels: Optional[Sequence[int]] = None,
                 strides: Sequence[int] = (4, 8, 16, 32),
                 distillation: dict = MTI_DISTILLATION, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.backbone = MODELS.build(backbone)
        channels = encoder_channels(self.backbone, in_channels)
        if len(channels) != len(strides) or len(channels) < 2:
            raise ValueError(f'MTINet needs two or more backbone maps with '
                             f'one stride each, got channels {channels} and '
                             f'strides {tuple(strides)}')
        self.strides = tuple(strides)
        outputs = {name: task.channels for name, task in
                   [*self.tasks.items(), *self.auxiliary_tasks.items()]}
        self.scales = ModuleList(
            InitialTaskPrediction(outputs, width + coarser, width)
            for width, coarser in zip(channels, (*channels[1:], 0)))
        self.propagation = ModuleList(
            FeaturePropagation(list(outputs), width)
            for width in channels[1:])
        self.distillation = ModuleList(
            CrossTaskDistillation(list(self.tasks), width, list(outputs),
                                  **distillation)
            for width in channels) if len(outputs) > 1 else None
        self.heads = ModuleDict({
            name: MultiScaleHead(channels, task.channels)
            for name, task in self.tasks.items()
        })

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Final maps of every task (stride 4)."""
        return self.forward_supervised(inputs)[0]

    def forward_supervised(
            self, inputs: Tensor
    ) -> Tuple[Dict[str, Tensor], Dict[str, Dict[str, Tensor]]]:
        """Final maps and the initial predictions of every scale, keyed
        ``s1_<stride>``, finest first."""
        maps = list(self.backbone(inputs))
        features, initial = self.initial_predictions(maps)
        if self.distillation is not None:
            features = [distill(scale) for distill, scale in
                        zip(self.distillation, features)]
        finals = {name: head([scale[name] for scale in features])
                  for name, head in self.heads.items()}
        auxiliary = {scale_suffix(stride): predictions
                     for stride, predictions in zip(self.strides, initial)}
        return finals, auxiliary

    def initial_predictions(
        self, maps: List[Tensor]
    ) -> Tuple[List[Dict[str, Tensor]], List[Dict[str, Tensor]]]:
        """Task features and initial predictions of every scale (finest
        first), computed coarsest first with feature propagation."""
        if len(maps) != len(self.scales):
            raise ValueError(f'the backbone gave {len(maps)} maps, MTINet '
                             f'was built for {len(self.scales)}')
        features, predictions = [None] * len(maps), [None] * len(maps)
        propagated = None
        for index in reversed(range(len(maps))):
            inputs = maps[index]
            if propagated is not None:  # upsampled to this scale, joined
                inputs = {name: concat_resized([maps[index], value])
                          for name, value in propagated.items()}
            features[index], predictions[index] = self.scales[index](inputs)
            if index > 0:
                propagated = self.propagation[index - 1](features[index])
        return features, predictions
