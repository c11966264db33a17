"""Loss weights summed per loss term and per scale.

Groenendijk et al., "Multi-Loss Weighting with Coefficient of Variations"
(WACV 2021, Table 7 and Fig. 1) draw the weights of the 32 monodepth losses
(4 terms x 4 scales x left / right) summed per term (L1, SSIM, LR,
smoothness) and per scale. Loss keys follow the monodepth model's names,
``<task>.loss_<term>_s<scale>[_<side>]`` (``depth.loss_ssim_s0_l``).
"""
import re
from typing import Dict, List, Mapping, Sequence, Tuple

#: ``<task>.loss_<term>_s<scale>[_<side>]``.
LOSS_KEY = re.compile(
    r'loss_(?P<term>[A-Za-z0-9]+)_s(?P<scale>\d+)(?:_(?P<side>[lr]))?$')
GROUPINGS = ('term', 'scale', 'side')


def loss_group(key: str, by: str) -> str:
    """The term (``ssim``), scale (``s0``) or side (``l``) of a loss key.

    Raises:
        ValueError: ``by`` unknown, or a key not of the form
            ``loss_<term>_s<scale>[_<side>]``.
    """
    if by not in GROUPINGS:
        raise ValueError(f'by must be one of {GROUPINGS}, got {by!r}')
    match = LOSS_KEY.search(key)
    if match is None or (by == 'side' and match['side'] is None):
        raise ValueError(f'loss key {key!r} is not of the form '
                         '<task>.loss_<term>_s<scale>[_<side>]')
    return 's' + match['scale'] if by == 'scale' else match[by]


def group_weights(weights: Mapping[str, float], by: str
                  ) -> Dict[str, float]:
    """Weights summed per group, groups in order of first appearance.

    Args:
        weights (Mapping[str, float]): Loss key -> weight.
        by (str): ``'term'``, ``'scale'`` or ``'side'``.

    Returns:
        dict[str, float]: Group -> sum of its weights.
    """
    if by not in GROUPINGS:
        raise ValueError(f'by must be one of {GROUPINGS}, got {by!r}')
    sums: Dict[str, float] = {}
    for key, weight in weights.items():
        group = loss_group(key, by)
        sums[group] = sums.get(group, 0.0) + float(weight)
    return sums


def grouped_weight_series(records: Sequence[dict], by: str,
                          prefix: str = 'weight/'
                          ) -> Tuple[List[int], Dict[str, List[float]]]:
    """Per logged training step, the weights summed per group.

    Args:
        records (Sequence[dict]): Training records of a run (each with
            ``iter`` and ``<prefix><loss key>`` values).
        by (str): ``'term'``, ``'scale'`` or ``'side'``.
        prefix (str): Prefix of the weight values in the records.

    Returns:
        tuple: The iterations and, per group, its summed weight at each.
    """
    iters: List[int] = []
    series: Dict[str, List[float]] = {}
    for record in records:
        weights = {key[len(prefix):]: value for key, value in record.items()
                   if key.startswith(prefix)}
        if not weights:
            continue
        iters.append(int(record.get('iter', record.get('step', len(iters)))))
        for group, value in group_weights(weights, by).items():
            series.setdefault(group, [float('nan')] * (len(iters) - 1))
            series[group].append(value)
    return iters, series
