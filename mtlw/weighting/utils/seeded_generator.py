"""A random generator that travels with a module's state dict."""
import torch
from torch import Tensor


def check_seed(owner: str, seed: object) -> int:
    """``seed`` if it is an int (not a bool).

    Args:
        owner (str): The rule the seed belongs to, for the message.
        seed: The value given.

    Returns:
        int: The seed.

    Raises:
        ValueError: If ``seed`` is not an int; the message names the owner
            and the value.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f'{owner} seed must be an int, got {seed!r}')
    return seed


class SeededGeneratorMixin:
    """Mixin of an ``nn.Module`` drawing from its own seeded CPU generator.

    :meth:`init_generator` creates ``self.generator``, a CPU
    ``torch.Generator`` seeded with ``seed``, and the buffer
    ``generator_state`` that saves its state: the buffer is written from the
    generator when a state dict is taken, and the generator is set from it
    when one is loaded, so a resumed run continues the same sequence (the
    saved state wins over the seed). Every rank seeded identically draws the
    same numbers. Draws are made on the CPU and need no device read; copy
    them to the device with ``non_blocking=True``.

    Put the mixin before the module class in the bases, e.g.
    ``class RLW(SeededGeneratorMixin, BaseWeighter)``, and call
    :meth:`init_generator` after ``nn.Module.__init__``.
    """

    #: A step's draws move the host generator whatever the device decides.
    draws_on_host = True
    generator: torch.Generator
    generator_state: Tensor
    seed: int

    def init_generator(self, seed: int) -> None:
        """Create the generator and its buffer.

        Args:
            seed (int): The seed of the sequence.
        """
        self.seed = check_seed(type(self).__name__, seed)
        self.generator = torch.Generator().manual_seed(self.seed)
        # Written from the generator only when a state dict is taken.
        self.register_buffer('generator_state', self.generator.get_state())

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        self.generator_state.copy_(self.generator.get_state())
        super()._save_to_state_dict(destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
        if prefix + 'generator_state' in state_dict:
            self.generator.set_state(self.generator_state.cpu())
