"""One task of a multi-task dense predictor: its target, loss and output."""
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmengine.structures import PixelData
from torch import Tensor, nn

from mtlw.registry import MODELS
from mtlw.structures import default_kind, task_fields


def stack_field(data_samples: Sequence, field: str, task: str) -> Tensor:
    """Stack the ``PixelData`` field ``field`` of every sample.

    Args:
        data_samples (Sequence[SegDataSample]): The batch.
        field (str): Field name, e.g. ``'gt_depth_map'``.
        task (str): Task name, for the error message.

    Returns:
        Tensor: (B, C, H, W).
    """
    maps = []
    for index, sample in enumerate(data_samples):
        if field not in sample:
            raise KeyError(
                f'task {task!r} needs {field!r} but data sample {index} has '
                f'only {sorted(sample.keys())}; check the dataset pipeline')
        maps.append(sample.get(field).data)
    shapes = {tuple(item.shape) for item in maps}
    if len(shapes) > 1:
        raise ValueError(f'{field!r} of task {task!r} has different shapes in '
                         f'one batch: {sorted(shapes)}')
    return torch.stack(maps)


class DenseTask(nn.Module):
    """A task of :class:`MultiTaskDensePredictor`: target, loss and output.

    The kind decides where the task's ground truth is read and where its
    prediction is written (:func:`task_fields`) and how a raw output map
    becomes a prediction:

    - ``seg``: logits (``seg_logits``) and their argmax (``pred_sem_seg``);
      targets are (B, H, W) class indices;
    - ``depth``: the map, clamped to ``value_range`` if given;
    - ``normal``: the map scaled to unit length (zero stays zero);
    - ``dense``: the map, clamped to ``value_range`` if given.

    Regression targets are (B, C, H, W) float maps.

    Args:
        name (str): Task name; it prefixes the task's loss keys.
        channels (int): Output channels of the task (c0).
        loss (dict): Config of a ``MODELS`` loss called as
            ``loss(pred, target)`` that returns a dict of scalar terms whose
            keys contain ``'loss'``.
        kind (str, optional): One of :data:`KINDS`; defaults to ``name`` for
            ``seg``, ``depth`` and ``normal`` and to ``'dense'`` otherwise.
        value_range (tuple[float, float], optional): Range that regression
            predictions are clamped to.
    """

    def __init__(self, name: str, channels: int, loss: dict,
                 kind: Optional[str] = None,
                 value_range: Optional[Tuple[float, float]] = None) -> None:
        super().__init__()
        if '.' in name or not name:
            raise ValueError(f"task names must be non-empty without '.', got "
                             f'{name!r}')
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f'task {name!r}: channels must be a positive '
                             f'int, got {channels!r}')
        self.name = name
        self.kind = kind or default_kind(name)
        self.gt_field, self.pred_field = task_fields(name, self.kind)
        self.channels = channels
        self.value_range = value_range
        self.loss = MODELS.build(loss)

    def targets(self, data_samples: Sequence) -> Tensor:
        """The batch's ground truth: (B, H, W) labels or (B, C, H, W) maps."""
        target = stack_field(data_samples, self.gt_field, self.name)
        if self.kind == 'seg':
            return target[:, 0].long()
        return target.float()

    def losses(self, pred: Tensor,
               data_samples: Sequence) -> Dict[str, Tensor]:
        """Loss terms of the task, keyed ``<task>.<term>``.

        Args:
            pred (Tensor): (B, channels, H, W) raw output at the size of the
                ground truth.
            data_samples (Sequence[SegDataSample]): The batch.

        Returns:
            dict[str, Tensor]: Unweighted scalar terms.
        """
        self.check_channels(pred)
        terms = self.loss(pred, self.targets(data_samples))
        return {f'{self.name}.{key}': value for key, value in terms.items()}

    def check_channels(self, pred: Tensor) -> None:
        """Raise if ``pred`` is not (B, channels, H, W)."""
        if pred.dim() != 4 or pred.shape[1] != self.channels:
            raise ValueError(
                f'task {self.name!r} expects (B, {self.channels}, H, W) '
                f'outputs, got {tuple(pred.shape)}')

    def write(self, pred: Tensor, data_sample) -> None:
        """Put one image's (channels, H, W) raw output into ``data_sample``."""
        pred = pred.detach()
        if self.kind == 'seg':
            data_sample.set_data(dict(
                seg_logits=PixelData(data=pred),
                pred_sem_seg=PixelData(data=pred.argmax(0, keepdim=True))))
            return
        if self.kind == 'normal':
            pred = pred / pred.norm(dim=0, keepdim=True).clamp(min=1e-12)
        elif self.value_range is not None:
            pred = pred.clamp(*self.value_range)
        data_sample.set_data({self.pred_field: PixelData(data=pred)})

    def extra_repr(self) -> str:
        return (f'name={self.name!r}, kind={self.kind!r}, '
                f'channels={self.channels}')
