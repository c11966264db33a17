"""DSelect-k: mixture of experts with a differentiable choice of k."""
from mtlw.registry import MODELS
from .mmoe import MMoE


@MODELS.register_module()
class DSelectK(MMoE):
    """Hazimeh et al., "DSelect-k: Differentiable Selection in the Mixture of
    Experts with Applications to Multi-Task Learning" (NeurIPS 2021), for
    dense prediction as LibMTL adapts it: :class:`MMoE` with a
    :class:`DSelectGate` per task (``gate=dict(num_selectors=k, gamma=...)``
    sets its options). Each gate's entropy regulariser, computed from the
    selections the gate returns in the same forward, joins the loss
    unweighted as ``reg.<task>_gate``; LibMTL back-propagates only the
    last task's, here every task's gate has its own.

    Args:
        **kwargs: See :class:`MMoE`.
    """

    default_gate = dict(type='DSelectGate')
