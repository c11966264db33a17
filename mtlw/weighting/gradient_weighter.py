"""The base of the rules that weigh losses by their gradients."""
import contextlib
import warnings
from abc import abstractmethod
from typing import (Dict, Iterator, List, NamedTuple, Optional, Sequence,
                    Tuple, Union)

import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.utils.hooks import RemovableHandle

from .base import BaseWeighter, all_reduce_mean
from .utils.autograd_graph import (combine_gradients, head_leaves, reach,
                                   single_backward_total, view_outputs)
from .utils.sub_batches import sub_batch_gradients, sub_batch_size

GRADIENT_MODES = ('params', 'representation')
GRADIENT_INPUTS = ('gram', 'norms', 'vectors')


class GradientStep(NamedTuple):
    """What a gradient rule decides at one training step.

    The loss weights ``w`` make the total ``sum_i w_i L_i``, so the heads
    (the parameters outside the shared module) get ``sum_i w_i`` times the
    gradient of each loss. On the differentiated tensors (the shared
    parameters, or the shared representation) the gradient is
    ``sum_i w_i g_i`` unless the rule gives its own: ``coefficients`` ``c``
    (then ``sum_i c_i g_i``) or a whole ``direction`` ``d``, flattened like
    the rows of the gradient matrix. ``reported`` is what the rule logs as
    its weights (``weight/<loss key>``), ``w`` if None.
    """

    #: (K,) loss weights.
    weights: Tensor
    #: (K,) coefficients of the per-loss gradients on the differentiated
    #: tensors.
    coefficients: Optional[Tensor] = None
    #: (P,) gradient on the differentiated tensors.
    direction: Optional[Tensor] = None
    #: (K,) reported weights.
    reported: Optional[Tensor] = None


def effective_scales(products: Tensor, squared_norms: Tensor) -> Tensor:
    """Each loss's scale in an aggregated gradient: ``<g_i, d> / ||g_i||^2``.

    The weight a loss would need, on its own gradient, for the same
    projection on the aggregated gradient ``d``; what direction-changing
    rules (PCGrad, GradDrop, GradVac) report as their weights. 0 for a zero
    gradient. With ``d = sum_j c_j g_j``: ``products = G c`` and
    ``squared_norms = diag(G)``.

    Args:
        products (Tensor): (K,) ``<g_i, d>``.
        squared_norms (Tensor): (K,) ``||g_i||^2``.

    Returns:
        Tensor: (K,) scales.
    """
    return torch.where(squared_norms > 0,
                       products / squared_norms.clamp_min(1e-30),
                       torch.zeros_like(products))


def _world_size() -> int:
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


class GradientWeighter(BaseWeighter):
    """Base of the rules that look at the gradient of every loss.

    Such a rule needs the model's shared module (the model's ``shared=``,
    handed over by :meth:`attach`) and, at every training step, one
    ``torch.autograd.grad`` per loss, ``g_i = d L_i / d X``, where ``X`` is

    - ``mode='params'``: the shared module's parameters that require grad.
      Point ``shared`` at a single layer (``shared='backbone.layer4'``) to
      use only that layer, as GradNorm does with the last shared layer;
      ``param_names`` narrows them to named parameters of that module
      (``param_names=('conv.weight',)`` for the convolution weight of an
      mmcv ``ConvModule``, without its normalisation layer);
    - ``mode='representation'``: the shared module's output ``Z`` (all its
      tensors when it returns a tuple, list or dict), captured by a forward
      hook while the module trains with grad enabled and kept until the
      weighter's call of that step. The hook hands views of the outputs on
      (:func:`view_outputs`), so each backward stops at ``Z``, through the
      heads only: the cheap mode. With several outputs (a backbone's
      stages), ``g_i`` is the gradient reaching each output from outside the
      module.

    Each loss is differentiated from its own term as handed to
    :meth:`forward`, so its backward runs only through the heads it uses.

    A rule receives, per ``gradient_input``, the Gram matrix
    ``G_ij = <g_i, g_j>`` (``'gram'``), its diagonal, the squared norms
    (``'norms'``), or the (K, P) matrix of the flattened gradients
    (``'vectors'``), in float32. It returns the (K,) loss weights ``w`` of
    the total ``sum_i w_i L_i``, or a :class:`GradientStep` that also sets
    the gradient on the differentiated tensors (combination coefficients
    of the ``g_i`` or a whole direction) and what is reported. The rule's
    gradient replaces ``sum_i w_i g_i`` exactly: through the single
    backward, or with the correction ``<sg(d - sum_i w_i g_i), X>`` added
    to the total (``sg``: detached), whose backward leaves ``d`` on ``X``
    and changes nothing else.

    Distributed training: the Gram matrix is that of the gradients of the
    rank-averaged losses, identical on every rank. In params mode the
    (K, P) gradient matrix is averaged over ranks before the products; in
    representation mode every rank holds the gradients for its own samples,
    so the local Gram matrices are summed and divided by the squared world
    size (the losses are batch means). One collective per step. A
    ``'vectors'`` rule gets the rank-averaged matrix in params mode and
    this rank's rows (its samples) in representation mode, where it reduces
    itself what it needs from the whole batch.

    AMP: with a loss scaler bound by :meth:`bind_runtime`, each loss is
    multiplied by the current scale before differentiation and its gradient
    divided by it, so half-precision gradients do not underflow. A step
    whose gradients are not finite is one the scaler skips: the rule's
    previous weights are used and its state is left as it was.

    Single backward (``single_backward=True``): each ``autograd.grad`` also
    returns the gradients of the leaves the loss reaches outside the shared
    module (the heads' parameters, found by walking the graph from the
    losses to ``Z``, the module's output, captured in both modes), and the
    returned total is :func:`single_backward_total`: the value of
    ``sum_i w_i L_i``, whose backward leaves exactly the rule's gradients
    in ``.grad``. In representation mode it runs from ``Z`` down through
    the shared module (plus one product per head parameter); in params
    mode it runs through nothing, when nothing below ``Z`` learns but the
    shared module's own parameters (else the plain total is used). The
    heads are thus differentiated once per loss, not once more by the
    optimizer's backward; the heads' gradients of every loss are held
    until that backward. A step with non-finite gradients, or a model
    whose heads also use what ``Z`` is computed from (e.g. a skip
    connection around the shared module, which warns), gets the plain
    total. ``autograd.grad`` fills no ``.grad`` and runs no
    gradient-accumulation hooks, so DDP's gradient reduction runs only in
    the optimizer's backward, as usual.

    Sub-batches (a rule with ``sub_batches = S > 1``, for rules that need
    gradients from independent samples): the batch (dim 0 of every output
    of the shared module, which is captured in both modes) is split into
    ``S`` sub-batches of ``m = B // S`` consecutive samples (the last
    ``B - S m`` samples are in none), and :meth:`update` receives the
    (S, S, K, K) cross-Gram matrices ``G[s, t, i, j] = <g_si, g_tj>`` of
    the sub-batch gradients ``g_si`` (only ``gradient_input = 'gram'``).
    ``g_si`` is the gradient of loss ``i`` reaching the output rows of
    sub-batch ``s``, times ``B / m``: in representation mode that slice of
    the output gradient (the products pair the rows of two sub-batches in
    order), in params mode its backward through the shared module to the
    parameters (one more backward through the module per loss and
    sub-batch; every loss must reach the parameters only through the
    output). This is the gradient of the sub-batch's mean loss only when
    the loss is a mean in which every sample weighs alike (not, e.g., a
    mean over the valid pixels of the whole batch) and the samples do not
    interact in the module (BatchNorm in train mode couples them): an
    approximation otherwise. Such a rule returns weights only (the shared
    gradient is ``sum_i w_i g_i`` of the whole batch). Distributed: the
    sub-batch gradients are averaged over ranks in params mode, the local
    products summed and divided by the squared world size in
    representation mode, as above.

    In eval mode, without grad or without a graph, the current weights are
    used and nothing is differentiated or updated. A training step reads the
    device for the finiteness of the gradients (and for the loss scale).

    Args:
        mode (str): ``'params'`` or ``'representation'``. Defaults to
            ``'params'``.
        nonfinite (str): See :class:`BaseWeighter`.
        single_backward (bool): Whether to return the single-backward
            total where it applies. Defaults to True.
        param_names (Sequence[str], optional): ``mode='params'`` only: the
            names (as in ``shared_module.named_parameters()``) of the
            parameters to differentiate against. Defaults to None: every
            parameter of the shared module that requires grad.
    """

    needs_shared = True
    #: What :meth:`update` receives: ``'gram'``, ``'norms'`` or
    #: ``'vectors'`` (see above).
    gradient_input: str = 'gram'
    #: Number of sub-batches whose cross-Gram matrices :meth:`update`
    #: receives; 1 for the whole batch (see above).
    sub_batches: int = 1

    def __init__(self, mode: str = 'params', nonfinite: str = 'raise',
                 single_backward: bool = True,
                 param_names: Optional[Sequence[str]] = None) -> None:
        super().__init__(nonfinite=nonfinite)
        if self.gradient_input not in GRADIENT_INPUTS:
            raise TypeError(f'{type(self).__name__}.gradient_input must be '
                            f'one of {GRADIENT_INPUTS}, got '
                            f'{self.gradient_input!r}')
        if self.sub_batches != 1 and not (
                isinstance(self.sub_batches, int) and self.sub_batches > 1
                and self.gradient_input == 'gram'):
            raise TypeError(f'{type(self).__name__}.sub_batches must be an '
                            "int > 1 with gradient_input 'gram' (or 1), got "
                            f'{self.sub_batches!r} with '
                            f'{self.gradient_input!r}')
        if mode not in GRADIENT_MODES:
            raise ValueError(f'{type(self).__name__} mode must be one of '
                             f'{GRADIENT_MODES}, got {mode!r}')
        self.mode = mode
        self.single_backward = single_backward
        self.param_names = self._check_param_names(param_names)
        # A plain list keeps the module out of this module's children, so
        # it is neither in the state dict twice nor given to the optimizer.
        self._shared: List[nn.Module] = []
        self._shared_name: Optional[str] = None
        self._hook: Optional[RemovableHandle] = None
        self._captured: List[Tensor] = []
        self._terms: Dict[str, Tensor] = {}
        self._grad_scaler: Optional[object] = None
        # The loss weights of the last training step, for masked steps.
        self._loss_weights: Optional[Tensor] = None

    # ------------------------------------------------------------------
    # What a rule implements
    # ------------------------------------------------------------------
    @abstractmethod
    def current_weights(self) -> Tensor:
        """The (K,) weights in force, used when nothing is updated."""

    @abstractmethod
    def update(self, gram: Tensor, observed: Tensor
               ) -> Union[Tensor, GradientStep]:
        """Update the rule's state from one training step.

        Args:
            gram (Tensor): Per ``gradient_input``: the (K, K) Gram matrix of
                the loss gradients, their (K,) squared norms, or the (K, P)
                gradients; with ``sub_batches = S > 1`` the (S, S, K, K)
                cross-Gram matrices of the sub-batches; finite.
            observed (Tensor): (K,) detached rank-averaged losses.

        Returns:
            Tensor | GradientStep: The (K,) weights for this step's total,
            or the whole decision.
        """

    # ------------------------------------------------------------------
    # Runtime
    # ------------------------------------------------------------------
    def attach(self, module: nn.Module, name: Optional[str] = None) -> None:
        """Use ``module`` as the shared module (replacing any earlier one).

        Args:
            module (nn.Module): The module named by the model's ``shared``.
            name (str, optional): That name, for messages.
        """
        if not isinstance(module, nn.Module):
            raise TypeError(f'{type(self).__name__}.attach expects an '
                            f'nn.Module, got {type(module).__name__}')
        if self._hook is not None:
            self._hook.remove()
            self._hook = None
        self._check_named_parameters(module, name)
        self._shared = [module]
        self._shared_name = name
        self._captured = []
        # params mode needs the outputs for its sub-batches and to check
        # that the single backward applies (nothing below them learns)
        if (self.mode == 'representation' or self.sub_batches > 1
                or self.single_backward):
            self._hook = module.register_forward_hook(self._capture)

    def _check_param_names(self, names: Optional[Sequence[str]]
                           ) -> Optional[Tuple[str, ...]]:
        """``param_names`` as a tuple, checked for type and mode."""
        if names is None:
            return None
        owner = type(self).__name__
        if (isinstance(names, str) or not isinstance(names, Sequence)
                or not names or not all(isinstance(n, str) for n in names)):
            raise ValueError(f'{owner} param_names must be a non-empty '
                             f'sequence of parameter names, got {names!r}')
        if self.mode != 'params':
            raise ValueError(f"{owner} param_names needs mode='params', got "
                             f'mode={self.mode!r}')
        return tuple(names)

    def _check_named_parameters(self, module: nn.Module,
                                name: Optional[str]) -> None:
        """Raise if ``param_names`` names a parameter ``module`` lacks."""
        if self.param_names is None:
            return
        own = dict(module.named_parameters())
        missing = [n for n in self.param_names if n not in own]
        if missing:
            raise ValueError(
                f'{type(self).__name__} param_names {missing} are not '
                f'parameters of the shared {name or type(module).__name__}; '
                f'it has {sorted(own)[:12]}')

    def bind_runtime(self, iters_per_epoch: Optional[int] = None,
                     grad_scaler: Optional[object] = None) -> None:
        """Keep the AMP loss scaler (``iters_per_epoch`` is not used)."""
        self._grad_scaler = grad_scaler

    def _capture(self, module: nn.Module, inputs: object,
                 output: object) -> object:
        """Forward hook: hand views of the outputs on and keep them."""
        if module.training and torch.is_grad_enabled():
            return view_outputs(output, self._captured)
        return None

    @property
    def shared_module(self) -> nn.Module:
        """The attached shared module."""
        if not self._shared:
            raise RuntimeError(
                f'{type(self).__name__} has no shared module: build the model '
                "with shared=... (e.g. shared='backbone') or call "
                'weighter.attach(module)')
        return self._shared[0]

    # ------------------------------------------------------------------
    # The step
    # ------------------------------------------------------------------
    @contextlib.contextmanager
    def step_context(self, losses: Dict[str, Tensor]) -> Iterator[None]:
        """Keep the step's losses (each is differentiated from its own
        term), then drop them and the captured outputs, so no graph
        outlives the step."""
        self._terms = losses
        try:
            yield
        finally:
            self._captured = []
            self._terms = {}

    def weigh(self, losses: Tensor, observed: Tensor
              ) -> Tuple[Tensor, Tensor]:
        step, inputs, leaves, gradients, matrix = (
            GradientStep(self.current_weights()), [], None, [], None)
        if (self.training and torch.is_grad_enabled()
                and losses.requires_grad):
            separate = self._separate_losses(losses)
            inputs = self._differentiated_tensors()
            leaves = self._single_backward_leaves(separate, inputs)
            statistic, matrix, gradients = self._statistics(
                separate, inputs, leaves)
            if self._all_finite(statistic):
                step = self.update(statistic, observed)
                if isinstance(step, Tensor):
                    step = GradientStep(step)
                self._check_sub_batch_step(step)
            else:
                gradients, matrix = [], None
        weights = step.weights.detach().clone()
        total = (weights * losses).sum()
        direction = self._rule_direction(step, matrix)
        if gradients:
            combined = combine_gradients(gradients, weights)
            if direction is not None:
                combined[:len(inputs)] = self._unflatten(direction, inputs)
            total = single_backward_total(total, inputs + leaves, combined)
        elif direction is not None:
            total = total + self._correction(
                direction - weights.to(matrix.dtype) @ matrix, inputs)
        reported = weights if step.reported is None else step.reported
        if self.training:
            self._loss_weights = weights
        return total, reported.detach().clone()

    def _all_finite(self, statistic: Tensor) -> bool:
        """Whether the step's gradients are finite, on every rank: a
        ``'vectors'`` rule in representation mode holds this rank's rows
        only, and all ranks must take the same branch (the rule may reduce
        over ranks)."""
        finite = torch.isfinite(statistic).all()
        if (self.gradient_input == 'vectors'
                and self.mode == 'representation' and _world_size() > 1):
            finite = all_reduce_mean(finite.float()) == 1
        return bool(finite)

    def weights_in_force(self, values: Tensor, observed: Tensor,
                         finite: Tensor) -> Tensor:
        """The loss weights of the last training step (not the reported
        ones, which differ for direction-changing rules), else the base's
        choice."""
        if self._loss_weights is not None:
            return self._loss_weights.to(observed)
        return super().weights_in_force(values, observed, finite)

    def gradient_gram(self, losses: Tensor) -> Tensor:
        """Gram matrix (or squared norms) of the gradients of ``losses``.

        Args:
            losses (Tensor): (K,) this rank's losses with their graph.

        Returns:
            Tensor: (K, K) ``<g_i, g_j>``, (K,) ``||g_i||^2`` or (K, P)
            ``g_i`` per ``gradient_input``; reduced over ranks and
            unscaled.
        """
        inputs = self._differentiated_tensors()
        return self._statistics(losses.unbind(), inputs, None)[0]

    @staticmethod
    def _rule_direction(step: GradientStep,
                        matrix: Optional[Tensor]) -> Optional[Tensor]:
        """The rule's gradient on the differentiated tensors, flattened;
        None when it is ``sum_i w_i g_i`` (or nothing was differentiated)."""
        if matrix is None:
            return None
        if step.direction is not None:
            return step.direction.detach().to(matrix.dtype)
        if step.coefficients is not None:
            return step.coefficients.detach().to(matrix.dtype) @ matrix
        return None

    @staticmethod
    def _unflatten(vector: Tensor, tensors: Sequence[Tensor]) -> List[Tensor]:
        """``vector`` split into pieces of the shapes of ``tensors``."""
        pieces = vector.split([tensor.numel() for tensor in tensors])
        return [piece.view_as(tensor)
                for piece, tensor in zip(pieces, tensors)]

    def _correction(self, difference: Tensor,
                    tensors: Sequence[Tensor]) -> Tensor:
        """A zero-valued term whose backward adds ``difference`` (flat) to
        the gradient of ``tensors`` and nothing else."""
        pieces = self._unflatten(difference, tensors)
        surrogate = sum((tensor * piece.to(tensor.dtype)).sum()
                        for tensor, piece in zip(tensors, pieces))
        return surrogate - surrogate.detach()

    def _separate_losses(self, losses: Tensor) -> List[Tensor]:
        """The K losses to differentiate one at a time.

        These are the terms handed to :meth:`forward`, from which
        ``losses`` was stacked: each one's backward runs through its own
        heads only, where one from an entry of ``losses`` would also send
        zeros through the other losses' heads. Without them (``weigh``
        called on its own), the entries of ``losses``.
        """
        if len(self._terms) != len(losses):
            return list(losses.unbind())
        return [self._terms[name].reshape(()).float()
                for name in self.loss_names]

    def _statistics(self, losses: Sequence[Tensor], inputs: List[Tensor],
                    leaves: Optional[List[Tensor]]
                    ) -> Tuple[Tensor, Optional[Tensor],
                               List[List[Optional[Tensor]]]]:
        """:meth:`_gradient_statistics`, or :meth:`_sub_batch_statistics`
        for a rule with sub-batches."""
        if self.sub_batches > 1:
            return self._sub_batch_statistics(losses, inputs, leaves)
        return self._gradient_statistics(losses, inputs, leaves)

    def _sub_batch_statistics(self, losses: Sequence[Tensor],
                              inputs: List[Tensor],
                              leaves: Optional[List[Tensor]]
                              ) -> Tuple[Tensor, None,
                                         List[List[Optional[Tensor]]]]:
        """The (S, S, K, K) cross-Gram matrices of the sub-batch gradients
        (reduced over ranks and unscaled), None, and, unless ``leaves`` is
        None, every loss's gradients of ``inputs + leaves``."""
        params = self.mode == 'params'
        outputs = self._differentiated_tensors(captured=True)
        size = sub_batch_size(outputs, self.sub_batches, type(self).__name__)
        if params and head_leaves(losses, outputs) is None:
            raise ValueError(
                f'{type(self).__name__} (sub_batches={self.sub_batches}, '
                "mode='params'): the losses use the shared module's "
                'parameters or inputs other than through its output, so '
                'its per-sub-batch gradients cannot be taken from the '
                "output rows; point shared= at a module whose output is "
                'all the heads use')
        tensors, scale = outputs + (leaves or []), self._loss_scale()
        kept, unreached, blocks = [], [], []
        for index, loss in enumerate(losses):
            grads = self._loss_gradients(loss, tensors, scale)
            if all(grad is None for grad in grads[:len(outputs)]):
                unreached.append(index)
            if leaves is not None:
                kept.append(grads)
            blocks.append(sub_batch_gradients(
                outputs, grads[:len(outputs)], self.sub_batches, size,
                inputs if params else None, scale))
        self._check_reached(unreached)
        vectors = torch.stack(blocks, 1)
        if params:
            vectors = all_reduce_mean(vectors)
        gram = torch.einsum('skp,tlp->stkl', vectors, vectors)
        world_size = _world_size()
        if not params and world_size > 1:
            gram = all_reduce_mean(gram) / world_size
        return gram, None, kept

    def _check_sub_batch_step(self, step: GradientStep) -> None:
        if self.sub_batches > 1 and (step.coefficients is not None
                                     or step.direction is not None):
            raise TypeError(f'{type(self).__name__} has sub_batches='
                            f'{self.sub_batches}: its update returns '
                            'weights (and reported weights) only')

    def _gradient_statistics(self, losses: Sequence[Tensor],
                             inputs: List[Tensor],
                             leaves: Optional[List[Tensor]]
                             ) -> Tuple[Tensor, Optional[Tensor],
                                        List[List[Optional[Tensor]]]]:
        """What :meth:`update` receives (see :meth:`gradient_gram`), the
        (K, P) gradient matrix at ``inputs`` when it was formed (None
        otherwise) and, unless ``leaves`` is None, every loss's gradients
        of ``inputs + leaves`` (taken by the same ``autograd.grad``)."""
        tensors = inputs + (leaves or [])
        scale = self._loss_scale()
        world_size = _world_size()
        average_vectors = self.mode == 'params' and world_size > 1
        kept, unreached = [], []

        def flat_gradients():
            for index, loss in enumerate(losses):
                grads = self._loss_gradients(loss, tensors, scale)
                if all(grad is None for grad in grads[:len(inputs)]):
                    unreached.append(index)
                if leaves is not None:
                    kept.append(grads)
                yield torch.cat([
                    (torch.zeros_like(tensor, dtype=torch.float)
                     if grad is None else grad).reshape(-1)
                    for tensor, grad in zip(inputs, grads)])

        flat, matrix = flat_gradients(), None
        if self.gradient_input == 'norms' and not average_vectors:
            statistic = torch.stack([torch.dot(g, g) for g in flat])
            self._check_reached(unreached)
        else:
            matrix = torch.stack(list(flat))
            self._check_reached(unreached)
            if average_vectors:
                matrix = all_reduce_mean(matrix)
            if self.gradient_input == 'vectors':
                return matrix, matrix, kept
            statistic = (matrix @ matrix.T if self.gradient_input == 'gram'
                         else matrix.square().sum(1))
        if self.mode == 'representation' and world_size > 1:
            statistic = all_reduce_mean(statistic) / world_size
        return statistic, matrix, kept

    def _check_reached(self, unreached: List[int]) -> None:
        """Raise if some losses do not depend on the differentiated tensors
        (the same on every rank: it depends on the graph only)."""
        if not unreached:
            return
        names = self.loss_names or [f'#{i}' for i in range(max(unreached) + 1)]
        module = self.shared_module
        where = (f'{self._shared_name!r} ({type(module).__name__})'
                 if self._shared_name else type(module).__name__)
        what = ('parameters' if self.mode == 'params'
                else 'output (mode=representation)')
        raise ValueError(
            f'{type(self).__name__}: the losses '
            f'{[names[i] for i in unreached]} do not reach the {what} of the '
            f'shared module {where}, so their gradient there is zero and '
            'the rule cannot weigh them; set the model\'s shared= to a '
            "module that every loss depends on (e.g. shared='backbone')")

    def _single_backward_leaves(self, losses: List[Tensor],
                                outputs: List[Tensor]
                                ) -> Optional[List[Tensor]]:
        """The heads' leaves for the single backward, or None when it is
        off or not exact for this graph (which warns in representation
        mode). In params mode (``outputs`` are the shared parameters) it
        applies when the leaves below the shared module's output are its
        own parameters only (not with ``shared`` a layer inside a trunk,
        whose lower layers need the optimizer's backward)."""
        if not self.single_backward:
            return None
        if self.mode == 'params':
            return self._params_single_backward_leaves(losses, outputs)
        leaves = head_leaves(losses, outputs)
        if leaves is None:
            warnings.warn(
                f'{type(self).__name__}: the losses use what the output of '
                f'the shared {type(self.shared_module).__name__} is computed '
                'from other than through that output; this step takes the '
                'plain total (single_backward does not apply)')
        return leaves

    def _params_single_backward_leaves(self, losses: List[Tensor],
                                       params: List[Tensor]
                                       ) -> Optional[List[Tensor]]:
        """Params mode: the heads' leaves when the single backward is exact
        and saves the optimizer's pass through the model, else None."""
        if self.sub_batches > 1 or not self._captured:
            return None
        heads = head_leaves(losses, self._captured)
        below = reach([child for output in self._captured
                       for child, _ in output.grad_fn.next_functions],
                      set())[1]
        own = {id(param) for param in params}
        if heads is None or any(id(leaf) not in own for leaf in below):
            return None
        return [leaf for leaf in heads if id(leaf) not in own]

    def _differentiated_tensors(self, captured: bool = False
                                ) -> List[Tensor]:
        """The tensors to differentiate against (the captured outputs in
        either mode if ``captured``)."""
        module = self.shared_module
        if self.mode == 'params' and not captured:
            tensors = [p for p in self._shared_parameters(module)
                       if p.requires_grad]
            missing = 'has no parameter that requires grad'
        else:
            tensors = self._captured
            missing = ('produced no output with grad in this step (outputs '
                       'are captured only in train mode with grad enabled)')
        if not tensors:
            raise RuntimeError(f'{type(self).__name__} (mode={self.mode!r}): '
                               f'the shared {type(module).__name__} {missing}')
        return tensors

    def _shared_parameters(self, module: nn.Module) -> List[Tensor]:
        """The parameters of ``module`` named by ``param_names`` (all of
        them without it)."""
        if self.param_names is None:
            return list(module.parameters())
        own = dict(module.named_parameters())
        return [own[name] for name in self.param_names]

    def _loss_scale(self) -> float:
        scaler = self._grad_scaler
        if scaler is None or not scaler.is_enabled():
            return 1.0
        return float(scaler.get_scale())

    @staticmethod
    def _loss_gradients(loss: Tensor, tensors: List[Tensor],
                        scale: float) -> List[Optional[Tensor]]:
        """``d loss / d tensors`` in float32 (None where unused), computed
        for ``scale * loss`` and divided by ``scale``."""
        grads = torch.autograd.grad(
            loss * scale, tensors, retain_graph=True, allow_unused=True)
        return [None if grad is None
                else grad.float() if scale == 1.0 else grad.float() / scale
                for grad in grads]

    def extra_repr(self) -> str:
        names = ('' if self.param_names is None
                 else f'param_names={self.param_names}, ')
        return (f'mode={self.mode!r}, '
                f'single_backward={self.single_backward}, {names}'
                + super().extra_repr())
