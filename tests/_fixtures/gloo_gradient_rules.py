"""Worker of the two-process DDP test of the gradient rules: every rule in
both modes on a trunk with heads wrapped in DistributedDataParallel, the
trunk's gradients after each step saved per rank.

Run as ``python -m tests._fixtures.gloo_gradient_rules RANK PORT OUT``.
"""
import os
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from mtlw.registry import WEIGHTERS
from tests._fixtures.gradient_rules import (gradient_rule_cases,
                                            head_losses, rule_batches,
                                            trunk_and_heads)


class TrunkWithHeads(nn.Module):
    """The fixture trunk and heads as one module, returning the losses."""

    def __init__(self) -> None:
        super().__init__()
        self.parts = nn.ModuleList(trunk_and_heads())

    def forward(self, x):
        return head_losses(self.parts, x)


def main(rank: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    results = {}
    for rule, mode, args in gradient_rule_cases():
        net = TrunkWithHeads()
        model = DistributedDataParallel(net, broadcast_buffers=False)
        weighter = WEIGHTERS.build(dict(type=rule, mode=mode, **args))
        weighter.attach(net.parts[0], 'trunk')
        steps = []
        for x in rule_batches():
            net.zero_grad()
            total, _ = weighter(model(x[rank::2]))
            total.backward()
            steps.append([p.grad.clone() for p in net.parts[0].parameters()])
        results[rule, mode] = steps
    torch.save(results, out)
    dist.destroy_process_group()


if __name__ == '__main__':
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
