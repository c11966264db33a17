"""State the size of the gradient vectors, for the rules that keep some.

Rules with ``gradient_input='vectors'`` that remember per-loss gradient
statistics (an average of each loss's gradient, accumulated squares, ...)
hold (K, P) buffers, where P, the number of differentiated values, is known
only at the first training step. :class:`VectorStateMixin` creates them
there, refuses a later step of another size, and loads a saved (K, P)
buffer into a fresh weighter; it also holds the whole-batch view of the
gradient rows those rules compute with.
"""
from typing import Tuple

import torch
import torch.distributed as dist
from torch import Tensor

from ..base import WeighterStateError, all_reduce_mean


def world_size() -> int:
    """The number of ranks (1 when not distributed)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


class VectorStateMixin:
    """(K, P) buffers created at the first training step, and the rows of
    the whole batch, for a :class:`GradientWeighter` with
    ``gradient_input='vectors'`` (list it before the weighter base).

    The buffers named in ``vector_buffers`` are created empty, (K, 0), by
    :meth:`init_vector_state` (called from ``init_state``), and filled with
    zeros of the step's size by :meth:`size_vector_state` at the first
    update, zeros being the rules' initial state. Later steps must have the
    same P. Loading a state dict gives an unallocated buffer the saved
    shape (and a saved unallocated one resets an allocated buffer), so a
    checkpoint loads into a fresh weighter; a saved P other than an
    allocated one raises :class:`WeighterStateError`.

    Whole batch: in ``mode='params'`` the rows handed to ``update`` are the
    rank-averaged gradients, the gradients of the whole batch. In
    ``mode='representation'`` each rank holds the rows of its own samples,
    the gradients of its own (mean) losses, ``world_size`` times the rank's
    block of the whole batch's gradient. :meth:`batch_rows` turns them into
    that block (dividing by the world size), :meth:`batch_sum` sums a
    per-row reduction (a squared norm, a product) over the ranks, and
    :meth:`local_direction` turns a block of the whole batch's direction
    back into this rank's scale (DDP averages the parameters' gradients
    over the ranks). The (K, P) buffers then hold this rank's block of the
    whole-batch state; a checkpoint holds the rank it was saved from. These
    per-rank rows need DDP with ``broadcast_buffers=False`` (mmengine's
    default wrapper on GPUs): with buffer broadcasting, rank 0's rows
    replace every rank's before each forward (and, in params mode, K P
    values are broadcast per step for nothing).
    """

    #: Names of the (K, P) buffers.
    vector_buffers: Tuple[str, ...] = ()

    def init_vector_state(self, num_losses: int) -> None:
        """Create the buffers unallocated, (K, 0), unless a state dict
        being loaded already gave them K rows.

        Args:
            num_losses (int): K.
        """
        for name in self.vector_buffers:
            current = self._buffers.get(name)
            if current is None or current.shape[0] != num_losses:
                self.register_buffer(name, torch.zeros(
                    num_losses, 0, device=self.step.device))

    def size_vector_state(self, size: int) -> None:
        """Allocate the buffers for P = ``size`` at the first update.

        Args:
            size (int): P, the number of differentiated values.

        Raises:
            ValueError: If the buffers hold another P; the message names
                both and what makes P change.
        """
        for name in self.vector_buffers:
            current = self._buffers[name]
            if current.shape[1] == size:
                continue
            if current.shape[1] != 0:
                raise ValueError(
                    f'{type(self).__name__} (mode={self.mode!r}) holds its '
                    f'{name} for {current.shape[1]} gradient values per '
                    f'loss, but this step has {size}: the differentiated '
                    'tensors changed size (in representation mode, the '
                    'batch or image size of the shared output); keep them '
                    "fixed (drop_last=True, fixed crops) or use mode='params'")
            self.register_buffer(name, current.new_zeros(current.shape[0],
                                                         size))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        for name in self.vector_buffers:
            saved = state_dict.get(prefix + name)
            current = self._buffers.get(name)
            if (saved is None or saved.dim() != 2 or (
                    current is not None and current.shape == saved.shape)):
                continue
            if (current is not None and current.shape[0] == saved.shape[0]
                    and 0 not in (current.shape[1], saved.shape[1])):
                raise WeighterStateError(
                    f'the weighter state {prefix!r} of '
                    f'{type(self).__name__} holds {name} for '
                    f'{saved.shape[1]} gradient values per loss, this '
                    f'weighter for {current.shape[1]}: the shared module '
                    '(or, in representation mode, its output size) differs')
            self.register_buffer(name, torch.zeros(
                saved.shape, device=self.step.device))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # ------------------------------------------------------------------
    # The whole batch
    # ------------------------------------------------------------------
    def _per_rank_rows(self) -> bool:
        return self.mode == 'representation' and world_size() > 1

    def batch_rows(self, matrix: Tensor) -> Tensor:
        """This rank's block of the whole batch's (K, P) gradients.

        Args:
            matrix (Tensor): The rows handed to ``update``.

        Returns:
            Tensor: ``matrix``, divided by the world size when the rows are
            this rank's (representation mode under DDP).
        """
        return matrix / world_size() if self._per_rank_rows() else matrix

    def batch_sum(self, local: Tensor) -> Tensor:
        """A reduction over P of block rows (squared norms, products),
        summed over the ranks when each holds its own block.

        Args:
            local (Tensor): The reduction of this rank's block.

        Returns:
            Tensor: The reduction over the whole batch, the same on every
            rank.
        """
        if not self._per_rank_rows():
            return local
        return all_reduce_mean(local) * world_size()

    def local_direction(self, direction: Tensor) -> Tensor:
        """A block of the whole batch's direction as this rank's gradient.

        Args:
            direction (Tensor): (P,) this rank's block.

        Returns:
            Tensor: (P,) the gradient to set on this rank's tensors.
        """
        return (direction * world_size() if self._per_rank_rows()
                else direction)
