"""Win rate of method A over method B, image by image (Zamir et al. 2018).

The CoV-Weighting paper (Table 5) votes on each test image over its 7 depth
metrics: A wins the image when it is better on more metrics than B is
(errors lower, ``delta`` accuracies higher; equal values vote for neither).
The win rate is the share of images A wins.
"""
import itertools
from typing import Dict, List, Mapping, Sequence, Tuple

from .depth_errors import HIGHER_IS_BETTER

WIN_RATE_METRICS = ('abs_rel', 'sq_rel', 'rmse', 'rmse_log', 'delta1',
                    'delta2', 'delta3')


def image_vote(a: Dict[str, float], b: Dict[str, float],
               metrics: Sequence[str] = WIN_RATE_METRICS) -> int:
    """+1 if A beats B on more ``metrics`` than B beats A, -1 if fewer, else 0.
    """
    score = 0
    for name in metrics:
        if a[name] == b[name]:
            continue
        a_better = (a[name] > b[name]) == (name in HIGHER_IS_BETTER)
        score += 1 if a_better else -1
    return (score > 0) - (score < 0)


def win_rate(records_a: List[dict], records_b: List[dict],
             metrics: Sequence[str] = WIN_RATE_METRICS) -> Dict[str, float]:
    """Compare two per-image result lists matched by their ``image`` key.

    Args:
        records_a (list[dict]): Per-image metrics of method A
            (:func:`~mtlw.evaluation.functional.load_per_image_results`).
        records_b (list[dict]): The same images for method B.
        metrics (Sequence[str]): Metrics that vote. Defaults to the paper's 7.

    Returns:
        dict: ``win_rate`` (share of images A wins), ``loss_rate``,
        ``tie_rate`` and ``num_images``.
    """
    by_image = []
    for label, records in (('A', records_a), ('B', records_b)):
        table = {rec['image']: rec for rec in records}
        if len(table) != len(records):
            raise ValueError(f'results {label} list an image more than once')
        missing = [m for m in metrics
                   if any(m not in rec for rec in records)]
        if missing:
            raise KeyError(f'results {label} lack metrics {missing}')
        by_image.append(table)
    if set(by_image[0]) != set(by_image[1]):
        only_a = sorted(set(by_image[0]) - set(by_image[1]))[:5]
        only_b = sorted(set(by_image[1]) - set(by_image[0]))[:5]
        raise ValueError(f'the two results cover different images: only in '
                         f'A {only_a}, only in B {only_b} (first 5)')
    if not by_image[0]:
        raise ValueError('no image to compare')
    votes = [image_vote(by_image[0][name], by_image[1][name], metrics)
             for name in by_image[0]]
    count = len(votes)
    return dict(win_rate=votes.count(1) / count,
                loss_rate=votes.count(-1) / count,
                tie_rate=votes.count(0) / count, num_images=count)


def win_rate_matrix(results: Mapping[str, List[dict]],
                    metrics: Sequence[str] = WIN_RATE_METRICS
                    ) -> Dict[Tuple[str, str], float]:
    """Win rate of every model over every other (CoV-Weighting Table 5).

    Args:
        results (Mapping[str, list[dict]]): Model name -> its per-image
            metrics (all models over the same images).
        metrics (Sequence[str]): Metrics that vote.

    Returns:
        dict[tuple[str, str], float]: ``(a, b)`` -> share of the images
        model ``a`` wins against ``b``, for every ordered pair ``a != b``.
        ``(a, b)`` and ``(b, a)`` add up to 1 minus the share of ties.
    """
    matrix = {}
    for a, b in itertools.combinations(results, 2):
        rates = win_rate(results[a], results[b], metrics)
        matrix[(a, b)] = rates['win_rate']
        matrix[(b, a)] = rates['loss_rate']
    return matrix
