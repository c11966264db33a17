"""Depth errors over the pixels whose true depth is within a range."""
from typing import Optional

from torch import Tensor

from mtlw.registry import METRICS
from .per_image_depth_metric import PerImageDepthMetric


@METRICS.register_module()
class RangeDepthMetric(PerImageDepthMetric):
    """:class:`PerImageDepthMetric` over the pixels with ground truth
    ``<= range``.

    Jiao et al., "Look Deeper into Depth" (ECCV 2018, supplementary
    material, Tables 4-7) score depth on the pixels whose true depth is at
    most 4, 6 or 8 m. Predictions are still clamped to ``[min_depth,
    max_depth]`` (the whole valid range), not to the evaluated range, so a
    near pixel predicted far is counted as far. Images without a pixel in
    the range are skipped. Use one metric per range, e.g. with prefixes
    ``depth_4m``, ``depth_6m``, ``depth_8m``.

    Args:
        max_eval_depth (float): The range bound in metres (inclusive).
        **kwargs: :class:`PerImageDepthMetric` arguments (``min_depth``,
            ``max_depth``, ``crop``, ``clamp_pred``, ``output_file``,
            ``collect_device``, ``prefix``).
    """

    def __init__(self, max_eval_depth: float, **kwargs) -> None:
        super().__init__(**kwargs)
        if not self.min_depth < max_eval_depth:
            raise ValueError(f'RangeDepthMetric: max_eval_depth must exceed '
                             f'min_depth={self.min_depth}, got '
                             f'{max_eval_depth}')
        self.max_eval_depth = max_eval_depth

    def image_errors(self, pred: Tensor, gt: Tensor) -> Optional[dict]:
        """Errors of one image over its ground truth ``<= max_eval_depth``."""
        return super().image_errors(
            pred, gt * (gt <= self.max_eval_depth).to(gt.dtype))
