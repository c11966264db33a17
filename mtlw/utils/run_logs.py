"""Reading what a training run logged (``<work_dir>/<time>/vis_data/``)."""
import glob
import json
import os.path as osp
from typing import Dict, List, Tuple

WEIGHT_PREFIX = 'weight/'


def find_scalars_file(work_dir: str) -> str:
    """The newest ``scalars.json`` of a work dir (or the path itself).

    Args:
        work_dir (str): A work dir of ``tools/train.py`` or a scalars file.

    Returns:
        str: Path of the scalars file.
    """
    if osp.isfile(work_dir):
        return work_dir
    found = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')))
    if not found:
        raise FileNotFoundError(
            f'no */vis_data/scalars.json under {work_dir}: is it the work '
            'dir of a training run with the LocalVisBackend?')
    return found[-1]


def read_scalars(work_dir: str) -> List[dict]:
    """All records of a run's scalars file, one dict per logged step."""
    path = find_scalars_file(work_dir)
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def weight_series(records: List[dict]
                  ) -> Dict[str, Tuple[List[int], List[float], List[float]]]:
    """Per loss key: iterations, weights and weighted loss scales ``w * L``.

    Args:
        records (list[dict]): Output of :func:`read_scalars`.

    Returns:
        dict: ``{loss key: (iters, weights, scales)}``; a scale is NaN where
        the loss itself was not logged at that step.
    """
    series: Dict[str, Tuple[List[int], List[float], List[float]]] = {}
    for record in records:
        for key, weight in record.items():
            if not key.startswith(WEIGHT_PREFIX):
                continue
            name = key[len(WEIGHT_PREFIX):]
            iters, weights, scales = series.setdefault(name, ([], [], []))
            iters.append(record.get('iter', record.get('step', len(iters))))
            weights.append(weight)
            scales.append(weight * record.get(name, float('nan')))
    return series
