"""Decides whether a loaded checkpoint's weighter state is kept."""
import logging
import re
from typing import List

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import BaseLoop

from mtlw.registry import HOOKS
from mtlw.weighting import decode_names, get_weighter

WEIGHTER_KEY = re.compile(r'^(module\.)?weighter\.')


@HOOKS.register_module()
class WeighterCheckpointHook(Hook):
    """Starts the weighter fresh when a run begins from ``load_from``.

    A weighter's state (statistics, step counter, learned log-variances,
    random generator) belongs to the run that wrote it. ``resume`` continues
    that run and loads it, checking that the saved weighter type and loss
    names are this model's (:class:`~mtlw.weighting.WeighterStateError`
    names both otherwise). ``load_from`` (fine-tuning, testing) starts a new
    one: before the model loads the checkpoint, this hook replaces the
    checkpoint's ``weighter.`` entries by the fresh weighter's own and logs
    what it dropped. Set ``load_weighter_state = True`` at the top level of
    the config to load them instead (the type and names must then match).
    """

    priority = 'NORMAL'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Drop the saved weighter state unless resuming or told to keep it.

        Args:
            runner (Runner): The runner loading ``checkpoint``.
            checkpoint (dict): The loaded checkpoint, changed in place.
        """
        weighter = get_weighter(runner.model)
        state = checkpoint.get('state_dict', {})
        saved = [key for key in state if WEIGHTER_KEY.match(key)]
        if (weighter is None or not saved or runner._resume
                or runner.cfg.get('load_weighter_state', False)):
            return
        summary = describe_saved_weighter(state, saved)
        for key in saved:
            del state[key]
        state.update((f'weighter.{key}', value)
                     for key, value in weighter.state_dict().items())
        # testing also loads with load_from: only training needs the warning
        training = isinstance(runner._train_loop, BaseLoop)
        level = logging.WARNING if training else logging.INFO
        source = runner._load_from or 'the checkpoint'
        print_log(
            f'load_from {source}: the saved weighter state ({summary}) is '
            f'not loaded; {type(weighter).__name__} starts fresh. Set '
            'load_weighter_state=True in the config to load it.',
            logger='current', level=level)


def describe_saved_weighter(state: dict, keys: List[str]) -> str:
    """The saved weighter's type, step count and keys, for the log.

    Args:
        state (dict): A checkpoint's ``state_dict``.
        keys (list[str]): Its weighter entries.

    Returns:
        str: E.g. ``'CoVWeighting after 400 steps: weighter.step, ...'``.
    """
    prefix = WEIGHTER_KEY.match(keys[0]).group(0)
    code = state.get(prefix + 'weighter_type_code')
    name = 'a weighter' if code is None else decode_names(code)[0]
    step = state.get(prefix + 'step')
    steps = '' if step is None else f' after {int(step)} steps'
    return f'{name}{steps}: {", ".join(keys)}'
