"""Customized Gate Control: shared and task-specific experts."""
from mtlw.registry import MODELS
from .mmoe import MMoE


@MODELS.register_module()
class CGC(MMoE):
    """Customized Gate Control of Tang et al., "Progressive Layered
    Extraction (PLE): A Novel Multi-Task Learning (MTL) Model for
    Personalized Recommendations" (RecSys 2020), for dense prediction as
    LibMTL adapts it: :class:`MMoE` whose task gates weigh the shared
    experts and the task's own experts (``num_task_experts``, default 1).

    Args:
        num_task_experts (int): Experts of each task alone. Defaults to 1.
        **kwargs: See :class:`MMoE`.
    """

    def __init__(self, *args, num_task_experts: int = 1, **kwargs) -> None:
        super().__init__(*args, num_task_experts=num_task_experts, **kwargs)
