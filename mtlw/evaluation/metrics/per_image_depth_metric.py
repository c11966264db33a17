"""Depth metric: per-image depth errors averaged over the test images."""
import logging
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from torch import Tensor

from mtlw.registry import METRICS
from ..functional.depth_errors import DEPTH_METRICS, crop_mask, depth_errors
from ..functional.per_image_results import save_per_image_results


def sample_field(data_sample: Any, name: str) -> Tensor:
    """``data_sample.<name>.data`` of a data sample or of its dict form.

    MMEngine's evaluator hands metrics ``data_sample.to_dict()``; models and
    tests may pass the data sample itself. Both are accepted.
    """
    if isinstance(data_sample, dict):
        if name not in data_sample:
            raise KeyError(f'data sample has no {name!r}; it holds '
                           f'{sorted(data_sample)}')
        return data_sample[name]['data']
    if name not in data_sample:
        raise KeyError(f'data sample has no {name!r}; it holds '
                       f'{sorted(data_sample.keys())}')
    return data_sample.get(name).data


def _as_image(depth: Tensor, name: str) -> Tensor:
    """(H, W) view of a (1, H, W) or (H, W) depth map."""
    if depth.dim() == 3 and depth.shape[0] == 1:
        depth = depth[0]
    if depth.dim() != 2:
        raise ValueError(f'{name} must be (1, H, W) or (H, W), got shape '
                         f'{tuple(depth.shape)}')
    return depth


@METRICS.register_module()
class PerImageDepthMetric(BaseMetric):
    """Depth errors per image, averaged over images (monodepth protocol).

    Beside what mmseg's ``DepthMetric`` computes, it clamps the
    predictions, offers the Garg and Eigen crops and writes per-image
    records for the win rate (``output_file``). For each image, the
    ground-truth pixels with ``min_depth < gt < max_depth`` (and inside the
    optional crop) are scored; the prediction is first clamped to
    ``[min_depth, max_depth]``, as monodepth's and the CoV-Weighting
    authors' KITTI evaluations do (80 m cap by default; a prediction of 0,
    e.g. from a zero disparity, becomes ``min_depth``). Each metric of
    :func:`mtlw.evaluation.functional.depth_errors.depth_errors` is computed
    per image and averaged over the images (images without a valid pixel are
    skipped and counted in the log).

    Expected data sample fields (any model can fill them):

    - ``pred_depth_map.data``: (1, H, W) predicted depth in metres.
    - ``gt_depth_map.data``: (1, H, W) ground-truth depth, 0 where invalid,
      the same size as the prediction.
    - ``img_path`` (metainfo, optional): names the image in ``output_file``.

    Args:
        min_depth (float): Lower depth bound (exclusive for the ground
            truth). Defaults to 1e-3.
        max_depth (float): Upper depth bound (the cap). Defaults to 80.
        crop (str, optional): ``'garg'`` or ``'eigen'`` evaluation crop
            (KITTI Eigen split), or None for the whole image (the
            CoV-Weighting authors' evaluation). Defaults to None.
        clamp_pred (bool): Clamp predictions to ``[min_depth, max_depth]``.
            Defaults to True.
        output_file (str, optional): Write the per-image metrics to this
            ``.json`` or ``.csv`` file (format in
            :mod:`mtlw.evaluation.functional.per_image_results`), the input
            of ``tools/analysis/win_rate.py``.
        collect_device (str): Device to gather results across ranks.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self, min_depth: float = 1e-3, max_depth: float = 80.0,
                 crop: Optional[str] = None, clamp_pred: bool = True,
                 output_file: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not 0 < min_depth < max_depth:
            raise ValueError('PerImageDepthMetric needs 0 < min_depth < '
                             'max_depth, '
                             f'got min_depth={min_depth}, '
                             f'max_depth={max_depth}')
        if crop is not None:
            crop_mask(1, 1, crop)  # fails early on an unknown crop name
        self.min_depth = min_depth
        self.max_depth = max_depth
        self.crop = crop
        self.clamp_pred = clamp_pred
        self.output_file = output_file

    def image_errors(self, pred: Tensor, gt: Tensor) -> Optional[dict]:
        """Errors of one image as floats, or None without a valid pixel."""
        pred, gt = _as_image(pred, 'pred_depth_map'), _as_image(
            gt, 'gt_depth_map').to(pred)
        if pred.shape != gt.shape:
            raise ValueError(
                f'pred_depth_map {tuple(pred.shape)} and gt_depth_map '
                f'{tuple(gt.shape)} differ in size: predict at the size of '
                'the ground truth')
        mask = (gt > self.min_depth) & (gt < self.max_depth)
        if self.crop is not None:
            mask &= crop_mask(*gt.shape, self.crop, device=gt.device)
        if not mask.any():
            return None
        if self.clamp_pred:
            pred = pred.clamp(self.min_depth, self.max_depth)
        errors = depth_errors(pred, gt, mask)  # read at once, exactly
        values = torch.stack([v.reshape(()).double()
                              for v in errors.values()]).tolist()
        return dict(zip(errors, values))

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Score every image of the batch and keep its per-image errors."""
        for data_sample in data_samples:
            errors = self.image_errors(
                sample_field(data_sample, 'pred_depth_map'),
                sample_field(data_sample, 'gt_depth_map'))
            self.results.append(dict(image=data_sample.get('img_path'),
                                     errors=errors))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Average the per-image errors; write them if ``output_file``."""
        records = [dict(image=str(index if item['image'] is None
                                  else item['image']), **item['errors'])
                   for index, item in enumerate(results)
                   if item['errors'] is not None]
        skipped = len(results) - len(records)
        if skipped:
            print_log(f'PerImageDepthMetric: {skipped} of {len(results)} '
                      'images have no valid ground-truth pixel and were '
                      'skipped',
                      logger='current', level=logging.WARNING)
        if not records:
            raise ValueError('PerImageDepthMetric: no image has a valid '
                             'ground-truth pixel in '
                             f'({self.min_depth}, {self.max_depth})')
        if self.output_file:
            save_per_image_results(self.output_file, records)
        return {name: float(np.mean([rec[name] for rec in records]))
                for name in DEPTH_METRICS}
