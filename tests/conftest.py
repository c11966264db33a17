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
