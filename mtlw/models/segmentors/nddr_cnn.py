"""NDDR-CNN: task columns fused after chosen stages by NDDR layers."""
from typing import Dict, List, Optional, Sequence

from mmengine.model import ModuleDict
from torch import Tensor

from mtlw.registry import MODELS
from ..backbones.encoder_columns import EncoderColumns
from .multitask_dense_predictor import MultiTaskDensePredictor


@MODELS.register_module()
class NDDRCNN(MultiTaskDensePredictor):
    """NDDR-CNN of Gao, Ma, Zhao, Liu, Yuille, "NDDR-CNN: Layerwise Feature
    Fusing in Multi-Task CNNs by Neural Discriminative Dimensionality
    Reduction" (CVPR 2019), in the form of Vandenhende et al.'s
    multi-task library (``models/nddr_cnn.py``): one encoder column per
    task (``backbone.columns.<k>``, in task order; a
    :class:`StagedResNet`), run stage by stage; after each stage of
    ``nddr_stages`` an :class:`NDDRLayer` (``neck.<stage>``) fuses the
    columns' maps into each column's next input; each task's head
    (``decode_head``) reads its column's last map. Stage 0 is the stem
    (fused before its max pooling), stages 1-4 the residual stages
    ``layer1`` ... ``layer4``.

    Gradient modes: ``shared='backbone'`` (all columns; through the NDDR
    layers every column reaches every task) in ``mode='params'``. The
    columns' outputs are per-task maps, not one shared representation, so
    ``mode='representation'`` does not apply.

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        backbone (dict): The config of one column, a ``StagedResNet``.
        decode_head (dict): Head config without ``in_channels`` and
            ``out_channels`` (set to the last stage's and the task's).
        nddr_stages (Sequence[int], optional): Indices of the stages
            (0 = the stem, 1 = ``layer1``, ...) after which the columns are
            fused. Defaults to every stage (Vandenhende et al.'s setting).
        neck (dict): NDDR layer config without ``num_tasks`` and
            ``channels``. Defaults to ``NDDRLayer`` (alpha 0.9, the rest
            spread over the other columns).
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict], backbone: dict,
                 decode_head: dict,
                 nddr_stages: Optional[Sequence[int]] = None,
                 neck: dict = dict(type='NDDRLayer'), **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        self.backbone = EncoderColumns(backbone, len(self.tasks))
        column = self.backbone.columns[0]
        if not hasattr(column, 'stage_channels'):
            raise TypeError('NDDRCNN needs a backbone with stages, e.g. '
                            f"type='StagedResNet', got {backbone.get('type')}")
        widths = [column.stem_channels] + column.stage_channels
        stages = range(len(widths)) if nddr_stages is None else nddr_stages
        wrong = [stage for stage in stages if stage not in range(len(widths))]
        if wrong or len(set(stages)) != len(stages):
            raise ValueError(f'nddr_stages must be distinct stage indices in '
                             f'0..{len(widths) - 1}, got {nddr_stages!r}')
        self.neck = ModuleDict({
            str(stage): MODELS.build(dict(neck, num_tasks=len(self.tasks),
                                          channels=widths[stage]))
            for stage in sorted(stages)})
        self.decode_heads = ModuleDict({
            name: MODELS.build(dict(decode_head, in_channels=widths[-1],
                                    out_channels=task.channels))
            for name, task in self.tasks.items()})

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Raw maps of every task at the encoder's output stride."""
        columns = self.backbone.columns
        features = [column.forward_stem(inputs, pool=False)
                    for column in columns]
        features = self.fuse(0, features)
        features = [column.maxpool(feature)
                    for column, feature in zip(columns, features)]
        for stage in range(len(columns[0].stages)):
            features = [column.forward_stage(feature, stage)[1]
                        for column, feature in zip(columns, features)]
            features = self.fuse(stage + 1, features)
        return {name: head(feature) for (name, head), feature in
                zip(self.decode_heads.items(), features)}

    def fuse(self, stage: int, features: List[Tensor]) -> List[Tensor]:
        """The columns' maps after ``stage``, fused if it has a layer."""
        if str(stage) in self.neck:
            return self.neck[str(stage)](features)
        return features
