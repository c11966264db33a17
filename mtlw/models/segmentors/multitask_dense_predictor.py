"""The generic base of mtlw's multi-task dense predictors."""
from typing import Dict, List, Optional, Tuple

from mmengine.model import BaseModel
from mmseg.structures import SegDataSample
from torch import Tensor, nn

from mtlw.registry import MODELS
from mtlw.weighting import LABELLED, WeightedLossMixin
from ..utils.dense_task import DenseTask
from ..utils.labelled_samples import labelled_samples
from ..utils.resize import resize

DEFAULT_PREPROCESSOR = dict(type='MultiTaskDataPreprocessor')


class MultiTaskDensePredictor(WeightedLossMixin, BaseModel):
    """Base of multi-task dense predictors whose losses go to a weighter.

    A subclass provides the network, the rest is generic:

    - its ``__init__`` calls this one first, then builds the layers
      (``self.tasks`` is there by then); ``shared`` may name any of them, as
      the weighter receives it at the first forward;
    - ``forward_tasks(inputs)`` returns the raw output map of every task,
      ``{task: (B, channels, h, w)}``; maps smaller than the input are
      resized bilinearly to it. :meth:`split_tasks` cuts one map with all
      tasks' channels (a shared head) into this dict.

    The base then does the rest:

    - data: :class:`MultiTaskDataPreprocessor` by default (normalisation,
      batching, padding of every ``gt_*`` map);
    - ``loss``: each task reads its ground truth from the data samples
      (:func:`~mtlw.models.utils.dense_task.task_fields`), calls its loss
      and returns its unweighted terms keyed ``'<task>.<term>'``, e.g.
      ``depth.loss_log_l1``; the weighter combines them in ``parse_losses``;
    - ``predict``: the maps are cropped to each image's ``img_shape``,
      resized to its ``ori_shape`` and written into its data sample as
      ``pred_sem_seg`` (+ ``seg_logits``), ``pred_depth_map``,
      ``pred_normal_map`` or ``pred_<task>_map``;
    - ``tensor`` mode returns the raw maps.

    Example of a subclass::

        @MODELS.register_module()
        class TinyNet(MultiTaskDensePredictor):
            def __init__(self, tasks, channels=16, **kwargs):
                super().__init__(tasks, **kwargs)
                total = sum(task.channels for task in self.tasks.values())
                self.backbone = nn.Conv2d(3, channels, 3, padding=1)
                self.head = nn.Conv2d(channels, total, 1)

            def forward_tasks(self, inputs):
                return self.split_tasks(self.head(self.backbone(inputs)))

        model = TinyNet(tasks=dict(
            depth=dict(channels=1, loss=dict(type='DepthLogL1Loss')),
            seg=dict(channels=6, loss=dict(type='SegRangeCELoss'))))

    Args:
        tasks (dict[str, dict]): Task name -> :class:`DenseTask` arguments
            (``channels``, ``loss``, optional ``kind`` and ``value_range``),
            in output order.
        data_preprocessor (dict, optional): Defaults to
            ``MultiTaskDataPreprocessor`` without normalisation.
        weighter (dict, optional): A ``WEIGHTERS`` config; the plain sum
            when omitted.
        shared (str, optional): Submodule that gradient-based weighters
            differentiate against, e.g. ``'backbone'``.
        auxiliary_tasks (dict[str, dict], optional): Tasks supervised only
            through auxiliary outputs (:class:`DenseTask` arguments, names
            other than those of ``tasks``), e.g. normals that help
            semantics in PAD-Net. Their ground truth must be in the data.
        partial_labels (bool): Log the number of labelled samples of each
            task as ``<task>.labelled``, so that the weighter applies the
            partial-label rule (:mod:`mtlw.weighting.partial_labels`; one
            read from the device per step). For datasets in which samples
            lack some tasks' labels (``FillMissingLabels``).
        init_cfg (dict, optional): mmengine initialisation config.
    """

    def __init__(self, tasks: Dict[str, dict],
                 data_preprocessor: Optional[dict] = None,
                 weighter: Optional[dict] = None,
                 shared: Optional[str] = None,
                 auxiliary_tasks: Optional[Dict[str, dict]] = None,
                 partial_labels: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        # Built here from mtlw's (mmseg's) registry, so the model also builds
        # outside a runner, without mmseg as the default scope.
        preprocessor = data_preprocessor or DEFAULT_PREPROCESSOR
        if isinstance(preprocessor, dict):
            preprocessor = MODELS.build(preprocessor)
        super().__init__(data_preprocessor=preprocessor, init_cfg=init_cfg,
                         weighter=weighter, shared=shared)
        if not tasks:
            raise ValueError('a multi-task model needs at least one task')
        self.tasks = nn.ModuleDict(
            {name: DenseTask(name, **cfg) for name, cfg in tasks.items()})
        auxiliary_tasks = auxiliary_tasks or {}
        clashes = sorted(set(auxiliary_tasks) & set(tasks))
        if clashes:
            raise ValueError(f'auxiliary_tasks must differ from the tasks, '
                             f'got {clashes} in both')
        self.auxiliary_tasks = nn.ModuleDict({
            name: DenseTask(name, **cfg)
            for name, cfg in auxiliary_tasks.items()
        })
        self.partial_labels = partial_labels

    # ------------------------------------------------------------------
    # What a subclass implements
    # ------------------------------------------------------------------
    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Raw output maps ``{task: (B, channels, h, w)}`` of a batch."""
        raise NotImplementedError

    def forward_supervised(
            self, inputs: Tensor
    ) -> Tuple[Dict[str, Tensor], Dict[str, Dict[str, Tensor]]]:
        """Final maps and auxiliary maps ``{suffix: {task: map}}`` (deep
        supervision); none by default."""
        return self.forward_tasks(inputs), {}

    # ------------------------------------------------------------------
    # Generic part
    # ------------------------------------------------------------------
    def split_tasks(self, outputs: Tensor) -> Dict[str, Tensor]:
        """Cut a (B, sum of channels, h, w) map into per-task maps."""
        sizes = [task.channels for task in self.tasks.values()]
        if outputs.dim() != 4 or outputs.shape[1] != sum(sizes):
            raise ValueError(
                f'a shared output for the tasks {list(self.tasks)} needs '
                f'(B, {sum(sizes)}, H, W), got {tuple(outputs.shape)}')
        return dict(zip(self.tasks, outputs.split(sizes, dim=1)))

    def task_maps(self, inputs: Tensor) -> Dict[str, Tensor]:
        """``forward_tasks`` checked and resized to the input size."""
        return self.checked_maps(self.forward_tasks(inputs), inputs)

    def checked_maps(self, maps: Dict[str, Tensor],
                     inputs: Tensor) -> Dict[str, Tensor]:
        """Every task's map of ``maps``, resized to the input size."""
        missing = [name for name in self.tasks if name not in maps]
        if missing:
            raise KeyError(f'{type(self).__name__}.forward_tasks returned no '
                           f'output for the tasks {missing}; got {list(maps)}')
        return {name: resize(maps[name], inputs.shape[-2:])
                for name in self.tasks}

    def forward(self, inputs: Tensor, data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        """``'loss'``, ``'predict'`` or ``'tensor'`` (the raw maps)."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.task_maps(inputs)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got "
                         f'{mode!r}')

    def loss(self, inputs: Tensor, data_samples: List) -> Dict[str, Tensor]:
        """Unweighted loss terms of every task, keyed ``<task>.<term>``
        (and, with partial labels, the labelled-sample counts)."""
        maps, auxiliary = self.forward_supervised(inputs)
        return self.supervised_losses(maps, auxiliary, inputs, data_samples)

    def supervised_losses(self, maps: Dict[str, Tensor],
                          auxiliary: Dict[str, Dict[str, Tensor]],
                          inputs: Tensor,
                          data_samples: List) -> Dict[str, Tensor]:
        """The loss terms of ``forward_supervised``'s outputs.

        Args:
            maps (dict[str, Tensor]): Final map of each task.
            auxiliary (dict[str, dict[str, Tensor]]): Auxiliary maps
                ``{suffix: {task: map}}``.
            inputs (Tensor): The (B, 3, H, W) input batch.
            data_samples (list): The batch's samples.

        Returns:
            dict[str, Tensor]: ``<task>.<term>`` and
            ``<task>.<term>_<suffix>`` terms (and, with partial labels, the
            labelled-sample counts).
        """
        losses = self.task_losses(self.checked_maps(maps, inputs),
                                  data_samples)
        for suffix, aux_maps in auxiliary.items():
            losses.update(self.auxiliary_losses(suffix, aux_maps, inputs,
                                                data_samples))
        return self.with_label_counts(losses, data_samples)

    def auxiliary_losses(self, suffix: str, maps: Dict[str, Tensor],
                         inputs: Tensor,
                         data_samples: List) -> Dict[str, Tensor]:
        """Loss terms of auxiliary maps (resized to the input size), keyed
        ``<task>.<term>_<suffix>``."""
        if not suffix or not suffix.replace('_', '').isalnum():
            raise ValueError(f'an auxiliary output suffix must be letters, '
                             f'digits and _, got {suffix!r}')
        losses = {}
        for name, value in maps.items():
            task = self.supervised_task(name)
            terms = task.losses(resize(value, inputs.shape[-2:]),
                                data_samples)
            losses.update((f'{key}_{suffix}', term)
                          for key, term in terms.items())
        return losses

    def supervised_task(self, name: str) -> DenseTask:
        """The task or auxiliary task ``name``."""
        if name in self.tasks:
            return self.tasks[name]
        if name in self.auxiliary_tasks:
            return self.auxiliary_tasks[name]
        raise KeyError(f'auxiliary output {name!r} is neither a task '
                       f'{list(self.tasks)} nor an auxiliary task '
                       f'{list(self.auxiliary_tasks)}')

    def with_label_counts(self, losses: Dict[str, Tensor],
                          data_samples: List) -> Dict[str, Tensor]:
        """``losses`` and, with ``partial_labels``, the number of samples
        with a valid label of each task as ``<task>.labelled`` (a log value,
        not a loss)."""
        if not self.partial_labels:
            return losses
        counts = {}
        for name, task in [*self.tasks.items(),
                           *self.auxiliary_tasks.items()]:
            ignore_index = getattr(task.loss, 'ignore_index', 255)
            labelled = labelled_samples(task.kind, task.targets(data_samples),
                                        ignore_index)
            counts[f'{name}.{LABELLED}'] = labelled.sum().float()
        return {**losses, **counts}

    def task_losses(self, maps: Dict[str, Tensor],
                    data_samples: List) -> Dict[str, Tensor]:
        """Loss terms of ``maps`` (at the size of the ground truth)."""
        losses = {}
        for name, task in self.tasks.items():
            losses.update(task.losses(maps[name], data_samples))
        return losses

    def predict(self, inputs: Tensor,
                data_samples: Optional[List] = None) -> List:
        """Data samples with every task's prediction written in."""
        return self.write_predictions(self.task_maps(inputs), data_samples)

    def write_predictions(self, maps: Dict[str, Tensor],
                          data_samples: Optional[List] = None) -> List:
        """Crop each map to ``img_shape``, resize it to ``ori_shape`` and
        write it into the image's data sample (new samples if None)."""
        batch_size = next(iter(maps.values())).shape[0]
        if data_samples is None:
            data_samples = [SegDataSample() for _ in range(batch_size)]
        for index, sample in enumerate(data_samples):
            height, width = sample.metainfo.get(
                'img_shape', maps[next(iter(maps))].shape[-2:])
            size = sample.metainfo.get('ori_shape', (height, width))
            for name, task in self.tasks.items():
                task.check_channels(maps[name])
                image = maps[name][index:index + 1, :, :height, :width]
                task.write(resize(image, size[:2])[0], sample)
        return data_samples
