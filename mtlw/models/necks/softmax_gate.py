"""The softmax gate of the mixture-of-experts networks."""
import math
from typing import Sequence

from mmengine.model import BaseModule
from torch import Tensor, nn

from mtlw.registry import MODELS


def check_input_size(owner: str, inputs: Tensor,
                     input_shape: Sequence[int]) -> None:
    """A gate reads the whole flattened input: its shape is fixed."""
    if tuple(inputs.shape[1:]) != tuple(input_shape):
        raise ValueError(
            f'{owner} was built for inputs of shape {tuple(input_shape)} '
            f'(C, H, W) and got {tuple(inputs.shape[1:])}: set the model\'s '
            '`img_size` to the size of the (padded) training images')


@MODELS.register_module()
class SoftmaxGate(BaseModule):
    """Per-sample weights of the experts: a linear map of the flattened
    input followed by a softmax, as in Ma et al., "Modeling Task
    Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts"
    (KDD 2018), with the raw input as the gate's input (LibMTL's dense
    adaptation).

    Args:
        input_shape (Sequence[int]): (C, H, W) of what the gate reads.
        num_experts (int): How many experts it weighs.

    Returns:
        Tensor: ``forward`` gives (B, num_experts) weights summing to 1.
    """

    def __init__(self, input_shape: Sequence[int], num_experts: int) -> None:
        super().__init__()
        self.input_shape = tuple(input_shape)
        self.linear = nn.Linear(
            math.prod(int(size) for size in self.input_shape), num_experts)

    def forward(self, inputs: Tensor) -> Tensor:
        check_input_size(type(self).__name__, inputs, self.input_shape)
        return self.linear(inputs.flatten(1)).softmax(dim=-1)
