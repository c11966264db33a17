"""Per-sub-batch loss gradients from the gradient at a module's outputs,
for the rules that need gradients from independent samples."""
from typing import List, Optional, Sequence

import torch
from torch import Tensor


def sub_batch_size(outputs: Sequence[Tensor], sub_batches: int,
                   owner: str) -> int:
    """Samples per sub-batch, ``B // sub_batches``, of a batch of outputs.

    Args:
        outputs (Sequence[Tensor]): The module's outputs, batch first.
        sub_batches (int): The number of sub-batches.
        owner (str): The rule, for messages.

    Returns:
        int: ``m = B // sub_batches``.

    Raises:
        ValueError: If the outputs have no common batch dimension, or the
            batch has fewer samples than ``sub_batches``.
    """
    sizes = {tuple(output.shape[:1]) for output in outputs}
    if len(sizes) != 1 or sizes == {()}:
        raise ValueError(
            f'{owner} splits the batch into sub-batches along the first '
            'dimension of the shared module\'s outputs, but their shapes '
            f'are {[tuple(output.shape) for output in outputs]}')
    batch = sizes.pop()[0]
    if batch < sub_batches:
        raise ValueError(
            f'{owner} splits every batch into sub_batches={sub_batches} '
            'sub-batches of whole samples, but the shared module\'s output '
            f'holds {batch} sample(s) on this rank: use a train batch size '
            f'of at least {sub_batches} per process '
            '(train_dataloader.batch_size)')
    return batch // sub_batches


def sub_batch_gradients(outputs: Sequence[Tensor],
                        grads: Sequence[Optional[Tensor]], sub_batches: int,
                        size: int, params: Optional[List[Tensor]] = None,
                        scale: float = 1.0) -> Tensor:
    """The (S, P) flattened gradients of one loss per sub-batch.

    Sub-batch ``s`` holds the samples ``[s m, (s + 1) m)``. Its gradient is
    the loss gradient at the outputs restricted to those rows, times
    ``B / m`` (the gradient of the sub-batch's mean loss when the loss is
    a mean over samples that weigh alike): without ``params`` the rows
    themselves, flattened; with ``params`` their backward through the
    module, ``autograd.grad(outputs, params, masked rows)``.

    Args:
        outputs (Sequence[Tensor]): The module's outputs (graph kept).
        grads (Sequence[Tensor | None]): The loss's float32 gradient at each
            output, unscaled (None: not reached).
        sub_batches (int): S.
        size (int): m, samples per sub-batch.
        params (list[Tensor], optional): Parameters to differentiate.
        scale (float): Loss scale the backward runs at (AMP); the result
            is divided by it.

    Returns:
        Tensor: (S, P) float32, P the size of the outputs' slices or of
        the parameters.
    """
    factor = outputs[0].shape[0] / size
    grads = [torch.zeros_like(output, dtype=torch.float) if grad is None
             else grad for output, grad in zip(outputs, grads)]
    rows = []
    for index in range(sub_batches):
        part = slice(index * size, (index + 1) * size)
        if params is None:
            rows.append(torch.cat([grad[part].reshape(-1) for grad in grads])
                        * factor)
            continue
        masked = []
        for output, grad in zip(outputs, grads):
            vector = torch.zeros_like(output)
            vector[part] = (grad[part] * (factor * scale)).to(output.dtype)
            masked.append(vector)
        got = torch.autograd.grad(list(outputs), params, masked,
                                  retain_graph=True, allow_unused=True)
        rows.append(torch.cat([
            (torch.zeros_like(param, dtype=torch.float) if grad is None
             else grad.float() / scale).reshape(-1)
            for param, grad in zip(params, got)]))
    return torch.stack(rows)
