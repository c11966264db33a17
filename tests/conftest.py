import os
import sys

import torch

os.environ.setdefault('OMP_NUM_THREADS', '1')
torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
sys.path.insert(0, os.path.dirname(__file__))
import mtlw  # noqa: F401,E402
