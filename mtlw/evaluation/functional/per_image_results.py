"""Files of per-image metrics (``PerImageDepthMetric(output_file=...)``).

Format: one record per test image, in evaluation order, with the key
``image`` (the image path, or its index when the sample has no path) and one
number per metric (e.g. ``abs_rel``, ..., ``delta3``).

- ``.json``: a list of objects, ``[{"image": "...", "abs_rel": 0.1, ...}]``.
- ``.csv``: a header row ``image,abs_rel,...`` and one row per image.

``tools/analysis/win_rate.py`` compares two such files image by image.
"""
import csv
import json
import os
import os.path as osp
from typing import Dict, List, Union

Record = Dict[str, Union[str, float]]
FORMATS = ('.json', '.csv')


def _check_format(path: str) -> str:
    ext = osp.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise ValueError(f'per-image results file {path} must end with one '
                         f'of {FORMATS}')
    return ext


def save_per_image_results(path: str, records: List[Record]) -> None:
    """Write per-image records to ``path`` (``.json`` or ``.csv``).

    Args:
        path (str): Output file; its folder is created if missing.
        records (list[dict]): One dict per image with ``image`` and metrics.
    """
    ext = _check_format(path)
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w', newline='') as file:
        if ext == '.json':
            json.dump(records, file, indent=1)
            return
        fields = list(records[0]) if records else ['image']
        writer = csv.DictWriter(file, fieldnames=fields)
        writer.writeheader()
        writer.writerows(records)


def load_per_image_results(path: str) -> List[Record]:
    """Read per-image records written by :func:`save_per_image_results`.

    Args:
        path (str): A ``.json`` or ``.csv`` file.

    Returns:
        list[dict]: Records with ``image`` as str and metrics as float.
    """
    ext = _check_format(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'per-image results file not found: {path}')
    with open(path, newline='') as file:
        rows = json.load(file) if ext == '.json' else list(
            csv.DictReader(file))
    records = []
    for number, row in enumerate(rows):
        if 'image' not in row:
            raise KeyError(f'{path}: record {number} has no "image" key')
        records.append({key: str(value) if key == 'image' else float(value)
                        for key, value in row.items()})
    return records
