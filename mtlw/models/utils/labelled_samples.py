"""Which samples of a batch carry a task's label (weak supervision)."""
from torch import Tensor


def labelled_samples(kind: str, target: Tensor,
                     ignore_index: int = 255) -> Tensor:
    """Which samples hold at least one valid label.

    Args:
        kind (str): Task kind; ``'seg'`` labels are valid unless
            ``ignore_index``, other maps unless 0 in every channel.
        target (Tensor): (B, H, W) labels or (B, C, H, W) maps.
        ignore_index (int): Unlabelled segmentation value.

    Returns:
        Tensor: (B,) bool.
    """
    if kind == 'seg':
        valid = target != ignore_index
    else:
        valid = (target != 0).any(dim=1)
    return valid.flatten(1).any(dim=1)
