"""Loading the dataset converters (scripts under tools/) in tests."""
import importlib.util
import os.path as osp
from types import ModuleType

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_converter(name: str) -> ModuleType:
    """``tools/dataset_converters/<name>.py`` as a module."""
    path = osp.join(ROOT, 'tools', 'dataset_converters', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'{name}_converter', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
