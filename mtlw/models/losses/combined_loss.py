"""Several loss modules of one task, each giving its own named terms."""
import inspect
from typing import Dict, List, Optional, Tuple

from mmengine.model import ModuleList
from torch import Tensor, nn

from mtlw.registry import MODELS


def accepts_valid(loss: nn.Module) -> bool:
    """Whether ``loss.forward`` takes an explicit ``valid`` mask."""
    return 'valid' in inspect.signature(loss.forward).parameters


@MODELS.register_module()
class CombinedLoss(nn.Module):
    """The terms of several losses of one task, side by side (unweighted).

    E.g. the depth task of the synergy network: ``L_DA`` and ``L_JG`` as
    ``loss_da`` and ``loss_jg``; the weighter then weighs every term. The
    terms' keys must differ.

    Args:
        losses (list[dict]): Loss configs, each returning a dict of terms.
    """

    def __init__(self, losses: List[dict]) -> None:
        super().__init__()
        if not losses:
            raise ValueError('CombinedLoss needs at least one loss')
        self.losses = ModuleList(MODELS.build(cfg) for cfg in losses)
        self.needs_metric_depth = any(
            getattr(loss, 'needs_metric_depth', False)
            for loss in self.losses)

    @property
    def loss_names(self) -> Tuple[str, ...]:
        """The keys of every loss's terms, in order."""
        return tuple(name for loss in self.losses for name in loss.loss_names)

    def forward(self, pred: Tensor, target: Tensor,
                valid: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Every loss's terms; ``valid`` goes to the losses that take it."""
        terms: Dict[str, Tensor] = {}
        for loss in self.losses:
            if valid is not None:
                if not accepts_valid(loss):
                    raise TypeError(f'{type(loss).__name__} takes no valid '
                                    'mask, so it cannot follow a depth '
                                    'normalisation')
                new = loss(pred, target, valid=valid)
            else:
                new = loss(pred, target)
            repeated = sorted(set(new) & set(terms))
            if repeated:
                raise KeyError(f'CombinedLoss: the terms {repeated} come from '
                               'two losses; give them different names')
            terms.update(new)
        return terms
