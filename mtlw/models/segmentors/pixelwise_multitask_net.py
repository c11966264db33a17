"""The pixelwise multi-task networks of the Loss Scale Balancing study."""
from typing import Dict, Optional

from mmengine.model import ModuleDict
from torch import Tensor

from mtlw.registry import MODELS, register_former_name
from ..backbones.encoder_columns import EncoderColumns, last_feature
from .multitask_dense_predictor import MultiTaskDensePredictor

ARCHITECTURES = ('full_sharing', 'multi_decoder', 'multi_column')


@MODELS.register_module()
class PixelwiseMultiTaskNet(MultiTaskDensePredictor):
    """The networks of Lee, Lee, Kim, "Learning Multiple Pixelwise Tasks
    Based on Loss Scale Balancing" (ICCV 2021, supplement section 1).

    An encoder (``backbone``, e.g. timm MobileNetV2 with its final 1x1
    conv or PNASNet through :class:`~mtlw.models.backbones.TimmEncoder`;
    its last, stride-32 map is used) and :class:`TwelveConvDecoder`
    decoders, in one of three ``architecture`` s:

    - ``'full_sharing'``: one encoder, one decoder with ``c0`` = the sum of
      the tasks' channels (17 for NYUv2 depth 1 + normal 3 + seg 13), cut
      into the tasks' outputs;
    - ``'multi_decoder'``: one encoder, one decoder per task;
    - ``'multi_column'``: one encoder per task (``backbone.columns.<k>``,
      in task order) whose outputs a :class:`CrossStitch` unit (``neck``)
      mixes into the inputs of one decoder per task.

    The losses and outputs are those of :class:`MultiTaskDensePredictor`.
    For gradient-based weighters use ``shared='backbone'`` (all encoders of
    the multi-column net).

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): Encoder config.
        decoder (dict): Decoder config without ``out_channels``, which is set
            per architecture.
        architecture (str): One of :data:`ARCHITECTURES`. Defaults to
            ``'multi_column'``.
        neck (dict, optional): Cross-stitch config of the multi-column net
            without ``num_columns`` (set to the number of tasks). Defaults to
            ``CrossStitch`` with ``1/n`` everywhere.
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``init_cfg`` of :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict, decoder: dict,
                 architecture: str = 'multi_column',
                 neck: Optional[dict] = None, **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        if architecture not in ARCHITECTURES:
            raise ValueError('PixelwiseMultiTaskNet architecture must be one '
                             f'of {ARCHITECTURES}, got {architecture!r}')
        if neck is not None and architecture != 'multi_column':
            raise ValueError(f'a neck (cross-stitch unit) joins the columns '
                             f"of 'multi_column' only, not {architecture!r}")
        self.architecture = architecture
        if architecture == 'multi_column':
            self.backbone = EncoderColumns(backbone, len(self.tasks))
            self.neck = MODELS.build(dict(neck or dict(type='CrossStitch'),
                                          num_columns=len(self.tasks)))
        else:
            self.backbone = MODELS.build(backbone)
        if architecture == 'full_sharing':
            total = sum(task.channels for task in self.tasks.values())
            self.decoders = ModuleDict(
                dict(shared=MODELS.build(dict(decoder, out_channels=total))))
        else:
            self.decoders = ModuleDict({
                name: MODELS.build(dict(decoder, out_channels=task.channels))
                for name, task in self.tasks.items()
            })

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Raw maps of every task at the decoders' output size."""
        if self.architecture == 'multi_column':
            features = self.neck(self.backbone(inputs))
            return {name: decoder(feature) for (name, decoder), feature in
                    zip(self.decoders.items(), features)}
        feature = last_feature(self.backbone(inputs))
        if self.architecture == 'full_sharing':
            return self.split_tasks(self.decoders['shared'](feature))
        return {name: decoder(feature)
                for name, decoder in self.decoders.items()}


LSBNet = register_former_name(MODELS, 'LSBNet', PixelwiseMultiTaskNet)
