"""The seeded generator saved in a module's state dict."""
import pytest
import torch
from torch import nn

from mtlw.weighting.utils import SeededGeneratorMixin


class Drawer(SeededGeneratorMixin, nn.Module):

    def __init__(self, seed=0):
        super().__init__()
        self.init_generator(seed)

    def draw(self):
        return torch.rand(4, generator=self.generator)


def test_draws_follow_the_seed():
    expected = torch.rand(4, generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(Drawer(5).draw(), expected)


def test_state_dict_continues_the_sequence():
    drawer = Drawer(1)
    drawer.draw()
    state = {k: v.clone() for k, v in drawer.state_dict().items()}
    expected = [drawer.draw() for _ in range(3)]
    resumed = Drawer(42)
    resumed.load_state_dict(state)
    for value in expected:
        torch.testing.assert_close(resumed.draw(), value)


def test_loading_without_the_buffer_keeps_the_seed():
    drawer = Drawer(3)
    drawer.load_state_dict({}, strict=False)
    expected = torch.rand(4, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(drawer.draw(), expected)


@pytest.mark.parametrize('seed', [1.5, True, '0', None])
def test_seed_must_be_an_int(seed):
    with pytest.raises(ValueError, match=r'Drawer seed must be an int, got'):
        Drawer(seed)
