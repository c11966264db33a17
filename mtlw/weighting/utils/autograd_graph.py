"""Autograd-graph utilities of the gradient-based rules: views that stop
a backward at a module's outputs, walks of the graph, and the
single-backward surrogate total."""
from typing import List, Optional, Sequence, Set, Tuple

from torch import Tensor


def view_outputs(output: object, views: List[Tensor]) -> object:
    """``output`` with every tensor that requires grad replaced by a view of
    itself, appended to ``views``.

    The views are new graph nodes used only outside the module, so the
    gradient with respect to them holds only the paths outside the module
    (an output computed inside the module from an earlier output does not
    count twice) and a backward to them does not enter the module.

    Args:
        output: What a module's ``forward`` returned: a tensor, or lists,
            tuples (named too) and dicts of them, nested. Anything else is
            kept as it is.
        views (list[Tensor]): Receives the views, in order.

    Returns:
        The output, of the same structure.
    """
    if isinstance(output, Tensor):
        if output.requires_grad:
            output = output.view_as(output)
            views.append(output)
        return output
    if isinstance(output, dict):
        return type(output)(
            (key, view_outputs(value, views)) for key, value in output.items())
    if isinstance(output, (list, tuple)):
        items = [view_outputs(item, views) for item in output]
        if hasattr(output, '_fields'):
            return type(output)(*items)
        return type(output)(items)
    return output


def reach(roots: Sequence[object], stops: Set[object]
          ) -> Tuple[Set[object], List[Tensor]]:
    """The autograd nodes reached from ``roots`` without entering ``stops``,
    and the leaf tensors (parameters) among them, in the order met.

    Args:
        roots (Sequence): Autograd nodes (``tensor.grad_fn``); None is
            skipped.
        stops (set): Nodes where the walk ends (not included).

    Returns:
        tuple[set, list[Tensor]]: The nodes and the leaves.
    """
    stack = [node for node in dict.fromkeys(roots) if node is not None
             and node not in stops]
    nodes, leaves = set(stack), []
    while stack:
        node = stack.pop()
        leaf = getattr(node, 'variable', None)  # an AccumulateGrad node
        if leaf is not None:
            leaves.append(leaf)
        for child, _ in node.next_functions:
            if child is not None and child not in nodes and child not in stops:
                nodes.add(child)
                stack.append(child)
    return nodes, leaves


def head_leaves(losses: Sequence[Tensor], outputs: Sequence[Tensor]
                ) -> Optional[List[Tensor]]:
    """The leaves (the heads' parameters) that ``losses`` reach without
    passing through ``outputs``.

    Returns None when a path from the losses enters the graph below the
    outputs other than through them (a head using a tensor or a parameter
    that the outputs are computed from): then the gradients at the outputs
    and at these leaves do not make up the whole gradient.

    Args:
        losses (Sequence[Tensor]): The losses, with their graph.
        outputs (Sequence[Tensor]): Non-leaf tensors the losses depend on.

    Returns:
        list[Tensor] or None: The leaves, or None.
    """
    stops = {output.grad_fn for output in outputs}
    above, leaves = reach([loss.grad_fn for loss in losses], stops)
    below, _ = reach([child for stop in stops
                      for child, _ in stop.next_functions], set())
    return None if above & below else leaves


def combine_gradients(gradients: Sequence[Sequence[Optional[Tensor]]],
                      weights: Tensor) -> List[Optional[Tensor]]:
    """Per tensor, ``sum_i w_i g_i`` over the losses that reach it.

    Args:
        gradients (Sequence): Per loss, float32 gradients for some tensors
            (None where the loss does not reach one).
        weights (Tensor): (K,) detached weights.

    Returns:
        list[Tensor | None]: The combined gradient of every tensor, None
        where no loss reaches it.
    """
    combined = []
    for index in range(len(gradients[0]) if gradients else 0):
        parts = [weight * grads[index] for weight, grads
                 in zip(weights.unbind(), gradients)
                 if grads[index] is not None]
        combined.append(sum(parts) if parts else None)
    return combined


def single_backward_total(total: Tensor, tensors: Sequence[Tensor],
                          gradients: Sequence[Optional[Tensor]]) -> Tensor:
    """``total`` in value, whose backward puts ``gradients`` on ``tensors``
    (and from there into the graph below them) only.

    The surrogate ``S = sum_t <t, gradient_t>`` has exactly these
    gradients, and ``S - S.detach() + total.detach()`` keeps the value of
    ``total``.

    Args:
        total (Tensor): The weighted total ``sum_i w_i L_i``.
        tensors (Sequence[Tensor]): The tensors differentiated against.
        gradients (Sequence[Tensor | None]): The gradient to put on each
            tensor (None: none), e.g. from :func:`combine_gradients`.

    Returns:
        Tensor: The total to call ``backward`` on.
    """
    surrogate = total.new_zeros(())
    for tensor, gradient in zip(tensors, gradients):
        if gradient is not None:
            surrogate = surrogate + (tensor * gradient.to(tensor.dtype)).sum()
    return surrogate - surrogate.detach() + total.detach()
