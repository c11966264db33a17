"""Datasets stored as one ``.npy`` file per sample and field, the layout of
MTAN's and LibMTL's preprocessed NYUv2 and Cityscapes."""
import os
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

from .utils import check_array, check_data_root, read_npy

#: How many missing files an error lists.
MAX_LISTED = 5


def _index_order(stem: str) -> tuple:
    """Numeric file names in numeric order, then the others by name."""
    return (0, int(stem), '') if stem.isdigit() else (1, 0, stem)


def npy_folder_samples(data_root: str, split: str, folders: Sequence[str],
                       name: str, layout: str,
                       docs_page: str) -> List[Dict[str, str]]:
    """One entry per ``.npy`` of ``<split>/<folders[0]>`` with the paths of
    its files in every folder (``<folder>_path``) and ``img_path``.

    Args:
        data_root (str): Folder holding the split folders.
        split (str): Split folder, e.g. ``'train'``.
        folders (Sequence[str]): Field folders; the first holds the images.
        name (str): Dataset name for the messages.
        layout (str): Expected layout, for the messages.
        docs_page (str): Where the docs explain the data.

    Raises:
        FileNotFoundError: A folder is missing, the image folder is empty,
            or an image lacks a file in another folder (up to
            :data:`MAX_LISTED` of them listed).
    """
    check_data_root(data_root, layout, docs_page)
    split_dir = osp.join(data_root, split)
    stems = {}
    for folder in folders:
        path = osp.join(split_dir, folder)
        if not osp.isdir(path):
            raise FileNotFoundError(
                f'{name} folder {path!r} does not exist. Expected layout:'
                f'\n{layout}\nSee {docs_page}.')
        stems[folder] = {file[:-4] for file in os.listdir(path)
                         if file.endswith('.npy')}
    images = folders[0]
    if not stems[images]:
        raise FileNotFoundError(
            f'{name} folder {osp.join(split_dir, images)!r} holds no .npy '
            f'file. Expected layout:\n{layout}\nSee {docs_page}.')
    for folder in folders[1:]:
        missing = sorted(stems[images] - stems[folder])
        if missing:
            listed = [osp.join(split_dir, folder, f'{stem}.npy')
                      for stem in missing[:MAX_LISTED]]
            raise FileNotFoundError(
                f'{name} {split}: {len(missing)} images have no {folder} '
                f'file, e.g. {listed}. Expected layout:\n{layout}')
    data_list = []
    for stem in sorted(stems[images], key=_index_order):
        paths = {f'{folder}_path': osp.join(split_dir, folder, f'{stem}.npy')
                 for folder in folders}
        data_list.append(dict(paths, img_path=paths[f'{images}_path']))
    return data_list


def read_npy_image(path: str) -> np.ndarray:
    """An (H, W, 3) ``.npy`` image as uint8 BGR: float RGB in [0, 1] is
    scaled to 0..255, uint8 RGB kept; the channels are reversed (images
    load as BGR elsewhere in mmseg)."""
    image = read_npy(path, channels=3)
    if image.dtype != np.uint8:
        check_array(image, path, values=(0, 1))
        image = np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image[..., ::-1])


def read_npy_labels(path: str, size: Sequence[int], num_classes: int,
                    ignore_index: int = 255) -> np.ndarray:
    """An (H, W) ``.npy`` label map with -1 unlabelled as uint8 with
    ``ignore_index`` unlabelled."""
    label = read_npy(path, size=size, channels=1,
                     values=(-1, num_classes - 1))
    return np.where(label < 0, ignore_index, label).astype(np.uint8)
