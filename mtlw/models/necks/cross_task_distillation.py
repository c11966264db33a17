"""PAD-Net's attention-gated message passing between task features."""
from typing import Dict, Optional, Sequence

import torch
from mmengine.model import BaseModule, ModuleDict
from torch import Tensor, nn

from mtlw.registry import MODELS

#: Where the attention gate of a message is computed from.
ATTENTIONS = ('target', 'source')


def conv3x3(channels: int, bias: bool) -> nn.Conv2d:
    """A ``channels -> channels`` 3x3 convolution keeping the size."""
    return nn.Conv2d(channels, channels, 3, padding=1, bias=bias)


@MODELS.register_module()
class CrossTaskDistillation(BaseModule):
    """Multi-modal distillation of PAD-Net: Xu, Ouyang, Wang, Sebe, "PAD-Net:
    Multi-Tasks Guided Prediction-and-Distillation Network for Simultaneous
    Depth Estimation and Scene Parsing" (CVPR 2018), attention-guided
    message passing.

    Every other task (``source``) ``s`` sends a message ``W_{s->t} * F_s``
    to a task ``t`` (``target``), gated elementwise by an attention map
    ``G``, and the messages are added to the target's features:

    ``F_t' = F_t + sum_{s != t} G (.) (W_{s->t} * F_s)``

    (``*`` a 3x3 convolution, ``(.)`` the elementwise product), with

    - ``attention='target'`` (the paper's equation, and the distilled
      DeepLabV3+ of Argenziano and Pagani, "Multi-Task Learning for
      Semantics and Depth", course report, 2022): one gate per target from
      its own features, ``G = G_t = sigmoid(W_g^t * F_t)``; for semantics
      and depth ``F_seg' = F_seg + G_seg (.) conv(F_depth)``;
    - ``attention='source'`` (Vandenhende et al.'s PAD-Net and MTI-Net code,
      "Multi-Task Learning for Dense Prediction Tasks: A Survey", TPAMI
      2021): one gate per pair from the message's features,
      ``G = sigmoid(W_g^{s->t} * F_s)``, and convolutions without bias.

    ``sources`` may hold tasks that only send (auxiliary tasks whose
    features are distilled into the main tasks but not refined).

    Args:
        tasks (Sequence[str]): The targets, whose features are refined.
        channels (int): Channels of every task's features.
        sources (Sequence[str], optional): Tasks sending messages; the
            targets when omitted. Together with ``tasks`` at least two.
        attention (str): One of :data:`ATTENTIONS`. Defaults to
            ``'target'``.
        bias (bool): Whether the convolutions have a bias. Defaults to
            True.
    """

    def __init__(self, tasks: Sequence[str], channels: int,
                 sources: Optional[Sequence[str]] = None,
                 attention: str = 'target', bias: bool = True) -> None:
        super().__init__()
        tasks = list(tasks)
        sources = tasks if sources is None else list(sources)
        everyone = set(tasks) | set(sources)
        if (len(everyone) < 2 or len(set(tasks)) != len(tasks)
                or len(set(sources)) != len(sources)):
            raise ValueError(f'distillation needs two or more distinct '
                             f'tasks, got {tasks} (sources {sources})')
        if attention not in ATTENTIONS:
            raise ValueError(f'attention must be one of {ATTENTIONS}, got '
                             f'{attention!r}')
        self.task_names = tasks
        self.source_names = sources
        self.attention = attention
        pairs = [f'{source}_to_{target}' for target in tasks
                 for source in sources if source != target]
        gated = tasks if attention == 'target' else pairs
        self.gates = ModuleDict(
            {name: conv3x3(channels, bias) for name in gated})
        self.messages = ModuleDict(
            {name: conv3x3(channels, bias) for name in pairs})

    def gate(self, source: str, target: str,
             features: Dict[str, Tensor]) -> Tensor:
        """The attention map ``G`` of the message ``source -> target``."""
        if self.attention == 'target':
            return torch.sigmoid(self.gates[target](features[target]))
        return torch.sigmoid(
            self.gates[f'{source}_to_{target}'](features[source]))

    def forward(self, features: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """``{target: F_t'}`` from ``{task: F_t}`` (targets and sources)."""
        missing = sorted(
            set(self.task_names + self.source_names) - set(features))
        if missing:
            raise KeyError(f'distillation got no features for {missing}')
        return {target: features[target] + self.messages_to(target, features)
                for target in self.task_names}

    def messages_to(self, target: str, features: Dict[str, Tensor]) -> Tensor:
        """``sum_{s != t} G (.) (W_{s->t} * F_s)`` of one target."""
        sources = [name for name in self.source_names if name != target]
        messages = [self.messages[f'{source}_to_{target}'](features[source])
                    for source in sources]
        if self.attention == 'target':  # one gate for all messages
            return self.gate(target, target, features) * sum(messages)
        return sum(self.gate(source, target, features) * message
                   for source, message in zip(sources, messages))
