import os

import pytest
import torch
from mmengine.config import Config

os.environ.setdefault('OMP_NUM_THREADS', '1')
torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
import mtlw  # noqa: F401,E402


@pytest.fixture(autouse=True)
def plain_config_text(monkeypatch):
    """Runners log and dump their config several times; formatting it with
    yapf costs seconds each time, a plain dump does the same job in tests."""
    monkeypatch.setattr(Config, 'pretty_text',
                        property(lambda self: repr(self.to_dict())))


def _network_is_off(*args, **kwargs):
    raise ConnectionError('tests do not download weights')


@pytest.fixture(autouse=True)
def no_weight_downloads(monkeypatch):
    """Nothing in the tests may fetch weights: timm's and mmengine's
    download steps fail as they would on a machine without network, so a
    test that builds a pretrained encoder without a local file fails with
    the offline error."""
    from mmengine.runner import checkpoint
    from timm.models import _builder
    monkeypatch.setattr(_builder, 'load_pretrained', _network_is_off)
    monkeypatch.setattr(checkpoint, 'load_from_http', _network_is_off)
