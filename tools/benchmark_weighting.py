"""Per-step cost of every weighting rule.

1. The weighter alone, for 32 losses (monodepth) and for 3 (tasks): one
   training call plus the backward of its total, against a plain sum.
2. With ``--step-config``: a training step of that config (its own weighter),
   so each rule's cost is also given as a share of a real step.
3. With ``--mt-config``: whole training steps of a multi-task config with
   static weighting and with every gradient-based rule in both gradient
   modes, next to a LibMTL-style step of the same rule (one full backward
   per loss, the rule on the shared parameters' gradients, those gradients
   replaced, the optimizer step), measured in the same run.

On a GPU (``--device cuda``) the loss-only rules run under
``torch.cuda.set_sync_debug_mode('error')`` with ``nonfinite='mask'``, so a
host synchronisation inside a rule fails the run.

Example:
    python tools/benchmark_weighting.py \\
        --step-config configs/encnet/synthscenes_static.py \\
        --mt-config configs/pixelwise/synthscenes_multidec_equal.py
"""
import argparse
import contextlib
import inspect
from typing import Callable, Dict, List, Optional, Tuple

import torch
from mmengine.config import Config

import mtlw  # noqa: F401
from mtlw.registry import WEIGHTERS
from mtlw.utils import build_training, time_per_call
from mtlw.weighting import (GradientStep, GradientWeighter,
                            HierarchicalWeighting, reduce_loss_dict)
from mtlw.weighting.hierarchical_weighting import assign_groups


def gradient_rules() -> List[str]:
    """The registered gradient-based rules."""
    return sorted(name for name, cls in WEIGHTERS.module_dict.items()
                  if issubclass(cls, GradientWeighter))


def loss_names(num_losses: int) -> List[str]:
    """``g<j>.loss_<i>``: four groups for 32 losses, one per loss for 3."""
    group = 8 if num_losses > 8 else 1
    return [f'g{i // group}.loss_{i:02d}' for i in range(num_losses)]


def loss_only_rules(num_losses: int) -> Dict[str, dict]:
    """Configs of every loss-only rule for ``num_losses`` losses."""
    groups = sorted({name.split('.')[0] for name in loss_names(num_losses)})
    return {
        'StaticWeighting': dict(type='StaticWeighting'),
        'CoVWeighting': dict(type='CoVWeighting'),
        'UncertaintyWeighting': dict(type='UncertaintyWeighting',
                                     num_losses=num_losses),
        'DWA': dict(type='DWA', period=10),
        'GLS': dict(type='GLS'),
        'LossScaleBalancing': dict(type='LossScaleBalancing', period=10),
        'RLW': dict(type='RLW'),
        'FAMO': dict(type='FAMO'),
        'STCH': dict(type='STCH', period=10, warmup_epochs=0),
        'HierarchicalWeighting': dict(
            type='HierarchicalWeighting',
            groups={g: rf'^{g}\.' for g in groups},
            inner=dict(type='CoVWeighting'),
            outer=dict(type='DWA', period=10)),
    }


def time_rule(cfg: Optional[dict], num_losses: int, iters: int,
              device: str) -> float:
    """Seconds per training call (+ backward); ``cfg=None`` times a sum."""
    leaves = torch.rand(num_losses, device=device).add_(0.5)
    leaves.requires_grad_(True)
    names = loss_names(num_losses)
    weighter = None
    if cfg is not None:
        weighter = WEIGHTERS.build(dict(cfg, nonfinite='mask')).to(device)
        weighter.bind_runtime(iters_per_epoch=10)
        weighter.train()

    def call() -> None:
        losses = {name: leaves[i] * 1.0 for i, name in enumerate(names)}
        total = (weighter(losses)[0] if weighter is not None else
                 sum(losses.values()))
        total.backward()

    checked = (torch.cuda.set_sync_debug_mode if device.startswith('cuda')
               else None)
    if checked is None:
        return time_per_call(call, iters, device=device)
    call()  # first call sets up state (allowed to synchronise)
    checked('error')
    try:
        return time_per_call(call, iters, device=device)
    finally:
        checked('default')


def print_table(title: str, header: List[str], rows: List[list]) -> None:
    print(f'\n### {title}\n')
    print('| ' + ' | '.join(header) + ' |')
    print('|' + '---|' * len(header))
    for row in rows:
        print('| ' + ' | '.join(str(cell) for cell in row) + ' |')


def bench_loss_only(iters: int, device: str, step_time: Optional[float]):
    rows = []
    for num_losses in (32, 3):
        base = time_rule(None, num_losses, iters, device)
        for name, cfg in loss_only_rules(num_losses).items():
            seconds = time_rule(cfg, num_losses, iters, device)
            share = (f'{100 * (seconds - base) / step_time:.2f} %'
                     if step_time else '-')
            rows.append([name, num_losses, f'{seconds * 1e6:.0f}',
                         f'{(seconds - base) * 1e6:.0f}', share])
    print_table(f'Loss-only rules on {device} (microseconds per step)',
                ['rule', 'K', 'call + backward', 'over a plain sum',
                 'of a training step'], rows)


def bench_steps(config: str, batch_size: int, iters: int, device: str,
                rules: Dict[str, Optional[dict]],
                k_backward: bool = False) -> Dict[str, float]:
    """Seconds per training step of ``config`` with each rule (None: the
    config's own) as the rule across the tasks (:func:`placed`), and with
    ``k_backward`` also per LibMTL-style step of each gradient rule in
    params mode (key ``'<name> K-backward'``)."""
    cfg = Config.fromfile(config)
    shared = cfg.model.get('shared') or 'backbone'
    times = {}
    for name, rule in rules.items():
        gradient = (rule is not None and issubclass(
            WEIGHTERS.get(rule['type']), GradientWeighter))
        if gradient:
            cfg.model.shared = shared
        model, optim_wrapper, batch = build_training(
            cfg, batch_size, placed(cfg, rule), device)
        times[name] = time_per_call(
            lambda: model.train_step(batch, optim_wrapper), iters,
            device=device)
        # sub-batch rules (MoDo, SDMGrad) have no one-batch LibMTL step
        if (k_backward and gradient and rule.get('mode') == 'params'
                and task_losses(model.weighter, {})[0].sub_batches == 1):
            step = k_backward_step(model, optim_wrapper, batch)
            times[f'{rule["type"]} K-backward'] = time_per_call(
                step, iters, device=device)
    return times


def placed(cfg: Config, rule: Optional[dict]) -> Optional[dict]:
    """The model's weighter with ``rule`` across the tasks: the outer rule
    of a ``HierarchicalWeighting`` config (the multi-task grids), else the
    whole weighter."""
    own = cfg.model.get('weighter') or {}
    if rule is None or own.get('type') != 'HierarchicalWeighting':
        return rule
    return dict(own.to_dict(), outer=rule)


def task_losses(weighter, terms: Dict[str, torch.Tensor]
                ) -> Tuple[GradientWeighter, Dict[str, torch.Tensor]]:
    """The rule across the tasks and the losses it weighs: for a
    ``HierarchicalWeighting``, its outer rule and the plain sum of each
    group's terms (its inner rules are static in the grids)."""
    if not isinstance(weighter, HierarchicalWeighting):
        return weighter, terms
    values = list(terms.values())
    members = assign_groups(list(terms), weighter.groups) if terms else []
    return weighter.outer, {name: sum(values[i] for i in indices)
                            for (name, _), indices in zip(weighter.groups,
                                                          members)}


def k_backward_step(model, optim_wrapper, batch) -> Callable[[], None]:
    """A training step as LibMTL runs a gradient rule: ``loss_i.backward()``
    through the whole model for each task loss (the heads accumulate every
    loss's gradient), the shared parameters' gradients collected into a
    (K, P) matrix and replaced by the rule's aggregate, then the optimizer
    step. The model's own weighter supplies the rule (:func:`task_losses`).
    """
    rule = task_losses(model.weighter, {})[0]
    params = [p for p in rule.shared_module.parameters() if p.requires_grad]

    def step() -> None:
        optim_wrapper.zero_grad()
        data = model.data_preprocessor(batch, True)
        terms, _ = reduce_loss_dict(model._run_forward(data, mode='loss'))
        _, losses = task_losses(model.weighter, terms)
        if rule.loss_names is None:
            rule(dict(losses))  # sets the rule up, as the first step does
            optim_wrapper.zero_grad()
        rows = []
        for loss in losses.values():
            loss.backward(retain_graph=True)
            rows.append(torch.cat([torch.zeros_like(p).reshape(-1)
                                   if p.grad is None else p.grad.reshape(-1)
                                   for p in params]))
            for param in params:
                param.grad = None
        matrix = torch.stack(rows)
        statistic = dict(gram=lambda: matrix @ matrix.T,
                         norms=lambda: matrix.square().sum(1),
                         vectors=lambda: matrix)[rule.gradient_input]()
        decision = rule.update(statistic, torch.stack(
            [loss.detach() for loss in losses.values()]))
        if isinstance(decision, torch.Tensor):
            decision = GradientStep(decision)
        direction = rule._rule_direction(decision, matrix)
        if direction is None:
            direction = decision.weights.to(matrix) @ matrix
        for param, piece in zip(params, rule._unflatten(direction, params)):
            param.grad = piece.to(param.dtype)
        optim_wrapper.step()

    return step


def num_tasks(config: str, batch_size: int, device: str) -> int:
    """K, the losses the rule across the tasks weighs: the groups of a
    hierarchical config, else the loss terms (one static step)."""
    cfg = Config.fromfile(config)
    own = cfg.model.get('weighter') or {}
    if own.get('type') == 'HierarchicalWeighting':
        return len(own['groups'])
    model, optim_wrapper, batch = build_training(
        cfg, batch_size, dict(type='StaticWeighting'), device)
    model.train_step(batch, optim_wrapper)
    return len(model.weighter.loss_names)


def rule_config(rule: str, mode: str, num_losses: int) -> dict:
    """A rule in a mode, with ``num_losses`` if it learns one value per
    loss."""
    cfg = dict(type=rule, mode=mode)
    if 'num_losses' in inspect.signature(WEIGHTERS.get(rule)).parameters:
        cfg['num_losses'] = num_losses
    return cfg


def bench_gradient_rules(config: str, batch_size: int, iters: int,
                         device: str) -> None:
    rules = {'StaticWeighting': dict(type='StaticWeighting')}
    num_losses = num_tasks(config, batch_size, device)
    for rule in gradient_rules():
        for mode in ('params', 'representation'):
            rules[f'{rule} ({mode})'] = rule_config(rule, mode, num_losses)
    times = bench_steps(config, batch_size, iters, device, rules,
                        k_backward=True)
    base = times['StaticWeighting']
    rows = [['StaticWeighting', f'{base * 1e3:.1f}', '1.00', '', '', '']]
    for rule in gradient_rules():
        params, rep = (times[f'{rule} ({mode})']
                       for mode in ('params', 'representation'))
        baseline = times.get(f'{rule} K-backward')
        rows.append([rule, f'{params * 1e3:.1f}', f'{params / base:.2f}',
                     f'{rep * 1e3:.1f}', f'{rep / base:.2f}',
                     '-' if baseline is None else
                     f'{baseline * 1e3:.1f} ({params / baseline:.2f})'])
    print_table(f'Training steps of {config} on {device} (batch '
                f'{batch_size})',
                ['rule', 'params ms', 'x static', 'representation ms',
                 'x static', 'K-backward ms (params / it)'], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--iters', type=int, default=200,
                        help='timed calls per loss-only rule')
    parser.add_argument('--step-config', help='config whose step is timed')
    parser.add_argument('--mt-config', help='multi-task config for the '
                        'gradient-based rules')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--step-iters', type=int, default=10)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    step_time = None
    if args.step_config:
        step_time = bench_steps(args.step_config, args.batch_size,
                                args.step_iters, args.device,
                                {'config': None})['config']
        print(f'training step of {args.step_config}: '
              f'{step_time * 1e3:.1f} ms (batch {args.batch_size})')
    bench_loss_only(args.iters, args.device, step_time)
    if args.mt_config:
        bench_gradient_rules(args.mt_config, args.batch_size,
                             args.step_iters, args.device)


if __name__ == '__main__':
    with contextlib.suppress(KeyboardInterrupt):
        main()
