"""Predictions of a config's model on the first test samples, for the
analysis tools that draw them (error maps, point clouds)."""
from typing import Iterator, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mtlw.registry import DATASETS, MODELS


def iter_predictions(cfg: Config, checkpoint: Optional[str] = None,
                     num_images: int = 4
                     ) -> Iterator[Tuple[int, np.ndarray, object]]:
    """Run the model of ``cfg`` on its first test samples.

    Args:
        cfg (Config): Model and test dataset.
        checkpoint (str, optional): Weights; random initialisation without.
        num_images (int): How many samples of the test set.

    Yields:
        tuple: Sample index, its input image (H, W, 3) uint8 as the dataset
        gives it (BGR for the mmseg pipelines) and the predicted data
        sample (ground truth and ``pred_*`` fields).
    """
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(cfg.model)
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.eval()
    for index in range(min(num_images, len(dataset))):
        sample = dataset[index]
        image = sample['inputs'].permute(1, 2, 0).numpy().astype(np.uint8)
        with torch.no_grad():
            prediction = model.test_step(pseudo_collate([sample]))[0]
        yield index, np.ascontiguousarray(image), prediction
