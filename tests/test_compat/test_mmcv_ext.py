"""mtlw.compat.mmcv_ext: the mmcv._ext stand-in."""
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_stand_in_lets_mmseg_import_and_names_missing_ops():
    out = run_python("""
        import sys
        import mtlw
        import torch
        from mmcv.ops import point_sample, sigmoid_focal_loss
        from mtlw.compat import MissingCompiledOpError
        from mtlw.compat.mmcv_ext import is_stand_in
        assert is_stand_in(sys.modules['mmcv._ext'])
        print(tuple(point_sample(torch.rand(1, 2, 4, 4),
                                 torch.rand(1, 3, 2)).shape))
        try:
            sigmoid_focal_loss(torch.rand(2, 3), torch.tensor([0, 1]))
        except MissingCompiledOpError as error:
            print(error)
    """)
    assert '(1, 2, 3)' in out
    assert '`sigmoid_focal_loss_forward`' in out
    assert 'Install a full mmcv' in out


def test_real_compiled_extension_is_never_shadowed(tmp_path):
    (tmp_path / '_ext.py').write_text(textwrap.dedent("""
        def __getattr__(name):
            if name.startswith('__'):
                raise AttributeError(name)
            return lambda *args, **kwargs: 'compiled ' + name
    """))
    out = run_python(f"""
        import mmcv
        mmcv.__path__.append({str(tmp_path)!r})
        import mtlw, sys
        from mtlw.compat import compiled_extension_available
        ext = sys.modules['mmcv._ext']
        from mtlw.compat.mmcv_ext import is_stand_in
        assert not is_stand_in(ext)
        assert compiled_extension_available()
        print(ext.nms())
    """)
    assert 'compiled nms' in out
