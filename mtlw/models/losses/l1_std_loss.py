"""Loss of the Taskonomy maps in Loss Scale Balancing: L1 + std matching."""
from typing import Dict

from torch import Tensor, nn

from mtlw.registry import MODELS


def l1_error(pred: Tensor, target: Tensor) -> Tensor:
    """``(1 / wh) ||pred - target||_1`` of (B, C, H, W) maps, averaged over
    the batch: the absolute differences summed over channels, averaged over
    pixels."""
    return (pred - target).abs().sum(1).mean()


def std_mismatch(pred: Tensor, target: Tensor) -> Tensor:
    """``|sigma(pred) - sigma(target)|`` per image, averaged over the batch.

    ``sigma`` is the population standard deviation of all values (pixels and
    channels) of one image.
    """
    flat_pred, flat_target = pred.flatten(1), target.flatten(1)
    return (flat_pred.std(1, unbiased=False)
            - flat_target.std(1, unbiased=False)).abs().mean()


@MODELS.register_module()
class L1StdLoss(nn.Module):
    """Loss of the Taskonomy maps of Loss Scale Balancing (Lee, Lee, Kim,
    ICCV 2021, supplement eqs. 9-10): curvature, reshading, 2D / 3D edges,
    2D / 3D keypoints, as two named terms.

    - ``loss_l1``: ``(1 / wh) ||C^ - C||_1``;
    - ``loss_std``: ``r_C = |sigma(C^) - sigma(C)|``, which makes the
      estimate as spread out as the ground truth (edge and keypoint maps are
      mostly zero, and an L1 fit alone tends to a flat map).

    The errors of the paper's Taskonomy table are ``loss_l1`` alone (times
    10 for 2D edges, 100 for 3D edges and 2D keypoints).
    """

    #: The keys of the returned terms, in order.
    loss_names = ('loss_l1', 'loss_std')

    def forward(self, pred: Tensor, target: Tensor) -> Dict[str, Tensor]:
        """Terms for (B, C, H, W) maps."""
        return dict(zip(self.loss_names, (l1_error(pred, target),
                                          std_mismatch(pred, target))))
