"""Base of the semantics + depth networks (DeepLabV3+ family, synergy net)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

from torch import Tensor

from mtlw.registry import MODELS
from ..losses.normalized_depth_loss import NormalizedDepthLoss
from ..utils.resize import resize
from ..utils.test_time_augmentation import augmented_maps
from .multitask_dense_predictor import MultiTaskDensePredictor

Outputs = Dict[str, Union[Tensor, List[Tensor]]]


def as_stages(output: Union[Tensor, Sequence[Tensor]]) -> List[Tensor]:
    """A task's outputs as a list, first stage to final prediction."""
    return [output] if isinstance(output, Tensor) else list(output)


def check_test_average(test_average: Optional[Sequence[str]],
                       tasks: Dict, scales: Sequence[float]
                       ) -> Optional[Tuple[str, ...]]:
    """``test_average`` as a tuple of known tasks (None: every task).

    Args:
        test_average (Sequence[str], optional): Tasks averaged over the
            test-time views; the others keep the plain view's map.
        tasks (dict): The model's tasks, by name.
        scales (Sequence[float]): The test-time scales.

    Returns:
        tuple[str, ...] | None: The tasks, or None for every task.

    Raises:
        ValueError: An unknown task, or tasks kept from the plain view
            without scale 1 among ``scales``.
    """
    if test_average is None:
        return None
    unknown = [name for name in test_average if name not in tasks]
    if unknown:
        raise ValueError(f'test_average names tasks the model does not '
                         f'have: {unknown} (tasks: {list(tasks)})')
    if 1 not in scales:
        raise ValueError(f'test_average={list(test_average)} keeps the '
                         f'other tasks from the plain view: test_scales '
                         f'needs 1.0, got {tuple(scales)}')
    return tuple(test_average)


class SemanticDepthPredictor(MultiTaskDensePredictor):
    """:class:`MultiTaskDensePredictor` with what the semantics + depth
    networks of Argenziano and Pagani ("Multi-Task Learning for Semantics
    and Depth", course report, 2022) and Jiao et al. ("Look Deeper into
    Depth", ECCV 2018) add:

    - **deep supervision**: ``forward_outputs(inputs)`` (what a subclass
      implements) gives each task one map or a list of maps, first stage to
      final, as many for every task; every map is supervised with the
      task's loss, the final one under ``<task>.<term>``, stage ``k`` under
      ``<task>.<term>_aux<k>`` (the distilled net's four losses);
    - **depth normalisation** (:class:`DepthNormalization`): depth outputs
      are trained against normalised ground truth and mapped back to metres
      before they are written or averaged;
    - **test-time augmentation**: predictions averaged over
      ``test_scales`` (and mirrored images with ``test_flip``) on the
      device (:func:`augmented_maps`).

    Args:
        tasks (dict[str, dict]): See :class:`MultiTaskDensePredictor`.
        depth_normalization (dict, optional): A ``DepthNormalization``
            config for the ``depth`` tasks; None trains on metres.
        test_scales (Sequence[float]): Test-time scales. Defaults to (1, ).
        test_flip (bool): Also predict from mirrored images.
        test_average (Sequence[str], optional): The tasks averaged over the
            test-time views; the others keep the plain view's map (scale 1
            must then be a test scale). None (default) averages every task.
        **kwargs: ``data_preprocessor``, ``weighter``, ``shared``,
            ``partial_labels``, ``init_cfg`` of
            :class:`MultiTaskDensePredictor`.
    """

    def __init__(self, tasks: Dict[str, dict],
                 depth_normalization: Optional[dict] = None,
                 test_scales: Sequence[float] = (1.0, ),
                 test_flip: bool = False,
                 test_average: Optional[Sequence[str]] = None,
                 **kwargs) -> None:
        super().__init__(tasks, **kwargs)
        if self.auxiliary_tasks:
            raise ValueError(f'{type(self).__name__} supervises its stages '
                             f'through forward_outputs and takes no '
                             f'auxiliary_tasks, got '
                             f'{list(self.auxiliary_tasks)}')
        if not test_scales or any(scale <= 0 for scale in test_scales):
            raise ValueError(f'test_scales must be positive factors, got '
                             f'{test_scales}')
        self.test_scales = tuple(float(scale) for scale in test_scales)
        self.test_flip = test_flip
        self.test_average = check_test_average(test_average, self.tasks,
                                               self.test_scales)
        self.depth_normalization = None
        if depth_normalization is not None:
            self.depth_normalization = MODELS.build(depth_normalization)
            for task in self.tasks.values():
                if task.kind == 'depth':
                    task.loss = NormalizedDepthLoss(task.loss,
                                                    self.depth_normalization)

    # ------------------------------------------------------------------
    # What a subclass implements
    # ------------------------------------------------------------------
    def forward_outputs(self, inputs: Tensor) -> Outputs:
        """``{task: map or [stage maps..., final map]}`` of a batch."""
        raise NotImplementedError

    # ------------------------------------------------------------------
    # Generic part
    # ------------------------------------------------------------------
    def checked_outputs(self, inputs: Tensor) -> Dict[str, List[Tensor]]:
        """``forward_outputs`` as lists, every task present."""
        outputs = self.forward_outputs(inputs)
        missing = [name for name in self.tasks if name not in outputs]
        if missing:
            raise KeyError(f'{type(self).__name__}.forward_outputs returned '
                           f'no output for the tasks {missing}')
        return {name: as_stages(outputs[name]) for name in self.tasks}

    def forward_tasks(self, inputs: Tensor) -> Dict[str, Tensor]:
        """The final map of every task."""
        return {name: stages[-1]
                for name, stages in self.checked_outputs(inputs).items()}

    def loss(self, inputs: Tensor, data_samples: List) -> Dict[str, Tensor]:
        """Unweighted terms of every stage of every task (and, with partial
        labels, the labelled-sample counts)."""
        size = inputs.shape[-2:]
        outputs = self.checked_outputs(inputs)
        lengths = {name: len(stages) for name, stages in outputs.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f'every task needs the same number of '
                             f'supervised stages, got {lengths}')
        last = max(lengths.values()) - 1
        losses = {}
        for index in range(last + 1):
            suffix = '' if index == last else f'_aux{index}'
            terms = self.task_losses(
                {name: resize(stages[index], size)
                 for name, stages in outputs.items()}, data_samples)
            losses.update((key + suffix, value)
                          for key, value in terms.items())
        return self.with_label_counts(losses, data_samples)

    def metric_maps(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Final maps at the input size, depth in metres."""
        maps = self.task_maps(inputs)
        if self.depth_normalization is None:
            return maps
        return {name: self.depth_normalization.inverse(value)
                if self.tasks[name].kind == 'depth' else value
                for name, value in maps.items()}

    def test_maps(self, inputs: Tensor) -> Dict[str, Tensor]:
        """``metric_maps``, averaged over the test-time augmentations."""
        if self.test_scales == (1.0, ) and not self.test_flip:
            return self.metric_maps(inputs)
        kinds = {name: task.kind for name, task in self.tasks.items()}
        return augmented_maps(self.metric_maps, inputs, self.test_scales,
                              self.test_flip, kinds, self.test_average)

    def predict(self, inputs: Tensor,
                data_samples: Optional[List] = None) -> List:
        """Data samples with every task's prediction (depth in metres)."""
        return self.write_predictions(self.test_maps(inputs), data_samples)
