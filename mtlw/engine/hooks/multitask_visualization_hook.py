"""Write a picture of every tested sample (``tools/test.py --show-dir``)."""
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.visualization import Visualizer

from mtlw.registry import HOOKS
from mtlw.visualization import MultiTaskVisualizer


def input_image(inputs: torch.Tensor) -> np.ndarray:
    """(H, W, 3) uint8 RGB of a packed (C, H, W) BGR input (its first three
    channels: the left view of a stereo input)."""
    image = inputs[:3].detach().cpu().float().numpy().transpose(1, 2, 0)
    if image.shape[2] == 1:
        image = np.repeat(image, 3, axis=2)
    return np.ascontiguousarray(np.clip(image, 0, 255).astype(np.uint8)
                                [..., ::-1])


def picture_name(index: int, data_sample) -> str:
    """``<index>_<image file stem>.png``; the running index keeps frames
    of the same name (KITTI drives) apart."""
    path = data_sample.metainfo.get('img_path') or ''
    stem = osp.splitext(osp.basename(str(path)))[0]
    return f'{index:05d}_{stem}.png' if stem else f'{index:05d}.png'


@HOOKS.register_module()
class MultiTaskVisualizationHook(Hook):
    """Paint the predictions of every ``interval``-th test (or validation)
    batch into ``out_dir`` with :class:`~mtlw.visualization.
    MultiTaskVisualizer`: per sample one PNG, one row per task (image,
    prediction, ground truth).

    Unlike mmseg's ``SegVisualizationHook``, the image is the packed input
    of the batch (no file is read again, so generated SynthScenes samples
    work), and neither the iteration counter nor anything else of the
    training loop is touched (testing needs no training data).

    Args:
        out_dir (str): Folder of the pictures.
        interval (int): Paint every ``interval``-th batch. Defaults to 1.
        draw_val (bool): Also paint during validation (into
            ``out_dir/val_<epoch or pass>``). Defaults to False.
    """

    priority = 'LOW'

    def __init__(self, out_dir: str, interval: int = 1,
                 draw_val: bool = False) -> None:
        if interval < 1:
            raise ValueError(f'MultiTaskVisualizationHook: interval must be '
                             f'>= 1, got {interval!r}')
        self.out_dir = out_dir
        self.interval = interval
        self.draw_val = draw_val
        self._count = 0
        self._passes = 0

    @staticmethod
    def visualizer() -> MultiTaskVisualizer:
        """The runner's visualizer if it draws multi-task samples, else a
        dedicated one."""
        current = Visualizer.get_current_instance()
        if isinstance(current, MultiTaskVisualizer):
            return current
        return MultiTaskVisualizer.get_instance('mtlw_multitask_visualizer')

    def _start(self, dataloader, folder: str) -> None:
        self._count = 0
        self._folder = folder
        os.makedirs(folder, exist_ok=True)
        self.visualizer().dataset_meta = getattr(dataloader.dataset,
                                                 'metainfo', None)

    def before_test_epoch(self, runner) -> None:
        self._start(runner.test_dataloader, self.out_dir)

    def before_val_epoch(self, runner) -> None:
        if self.draw_val:
            self._passes += 1
            self._start(runner.val_dataloader,
                        osp.join(self.out_dir, f'val_{self._passes}'))

    def _paint(self, batch_idx: int, data_batch: dict,
               outputs: Sequence) -> None:
        if batch_idx % self.interval:
            self._count += len(outputs)
            return
        visualizer = self.visualizer()
        for inputs, sample in zip(data_batch['inputs'], outputs):
            out_file = osp.join(self._folder,
                                picture_name(self._count, sample))
            visualizer.add_datasample(osp.basename(out_file),
                                      input_image(inputs), sample,
                                      out_file=out_file)
            self._count += 1

    def after_test_iter(self, runner, batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        self._paint(batch_idx, data_batch, outputs)

    def after_val_iter(self, runner, batch_idx: int,
                       data_batch: Optional[dict] = None,
                       outputs: Optional[Sequence] = None) -> None:
        if self.draw_val:
            self._paint(batch_idx, data_batch, outputs)
