"""Several copies of one encoder, side by side."""
import copy
from typing import List

from mmengine.model import BaseModule, ModuleList
from torch import Tensor

from mtlw.registry import MODELS


def last_feature(outputs) -> Tensor:
    """The last (coarsest) map of a backbone's tuple of outputs."""
    return outputs[-1] if isinstance(outputs, (tuple, list)) else outputs


class EncoderColumns(BaseModule):
    """One encoder per column, built from one config; ``forward`` returns
    each column's last feature map (the multi-column net's shared module:
    through the cross-stitch unit every encoder reaches every task)."""

    def __init__(self, backbone: dict, num_columns: int) -> None:
        super().__init__()
        self.columns = ModuleList(
            MODELS.build(copy.deepcopy(backbone)) for _ in range(num_columns))

    def forward(self, inputs: Tensor) -> List[Tensor]:
        return [last_feature(column(inputs)) for column in self.columns]
