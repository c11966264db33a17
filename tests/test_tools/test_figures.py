"""tools/analysis/{weight_groups,point_cloud,error_maps}.py: the papers'
figures from logs, depth files and model predictions."""
import json
import os.path as osp
import sys

import cv2
import numpy as np
import pytest

from mtlw.visualization.point_cloud import read_ply

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
import error_maps  # noqa: E402
import point_cloud  # noqa: E402
import weight_groups  # noqa: E402

#: The 3-task SynthScenes net, small enough for a test.
PIXELWISE = osp.join(ROOT, 'configs', 'pixelwise',
                     'synthscenes_fullshare_lsb.py')
SHRINK = ['test_dataloader.dataset.num_samples=2',
          'test_dataloader.dataset.img_size=(32,64)']


def test_weights_per_term_and_scale_of_a_logged_run(tmp_path, capsys):
    folder = tmp_path / 'cov' / '20260101_000000' / 'vis_data'
    folder.mkdir(parents=True)
    records = []
    for it, (l1, ssim) in enumerate([(0.1, 0.2), (0.3, 0.05)], start=1):
        weights = {}
        for scale in range(2):
            for side in 'lr':
                weights[f'weight/depth.loss_l1_s{scale}_{side}'] = l1
                weights[f'weight/depth.loss_ssim_s{scale}_{side}'] = ssim
        records.append(dict(iter=it, lr=1e-4, **weights))
    folder.joinpath('scalars.json').write_text(
        '\n'.join(json.dumps(r) for r in records))
    out = str(tmp_path / 'groups.png')
    finals = weight_groups.main([str(tmp_path / 'cov'), '--out', out])
    # last step: l1 4 x 0.3, ssim 4 x 0.05; per scale 2 x (0.3 + 0.05)
    groups = finals[str(tmp_path / 'cov')]
    assert groups['term'] == pytest.approx(dict(l1=1.2, ssim=0.2))
    assert groups['scale'] == pytest.approx(dict(s0=0.7, s1=0.7))
    assert osp.getsize(out) > 0
    assert 'weight per term at the end: l1 1.2000, ssim 0.2000' in \
        capsys.readouterr().out


def test_point_cloud_of_a_depth_file(tmp_path):
    depth = np.array([[2.0, 0.0], [4.0, 20.0]])
    np.save(tmp_path / 'depth.npy', depth)
    image = np.zeros((2, 2, 3), np.uint8)
    image[1, 0] = (10, 20, 30)  # BGR
    cv2.imwrite(str(tmp_path / 'rgb.png'), image)
    out = str(tmp_path / 'cloud.ply')
    point_cloud.main(['--depth', str(tmp_path / 'depth.npy'), '--image',
                      str(tmp_path / 'rgb.png'), '--intrinsics', '1', '2',
                      '0', '0', '--max-depth', '10', '--out', out])
    points, colours = read_ply(out)
    # (u, v, Z) = (0, 0, 2), (0, 1, 4); 0 m and 20 m (> 10) left out
    assert points.tolist() == [[0.0, 0.0, 2.0], [0.0, 2.0, 4.0]]
    assert colours.tolist() == [[0, 0, 0], [30, 20, 10]]  # RGB
    with pytest.raises(SystemExit):
        point_cloud.main(['--intrinsics', '1', '1', '0', '0'])


@pytest.mark.slow
def test_error_maps_and_clouds_of_model_predictions(tmp_path):
    written = error_maps.main([PIXELWISE, '--num-images', '2', '--out-dir',
                               str(tmp_path / 'maps'), '--cfg-options',
                               *SHRINK])
    assert [osp.basename(p) for p in written] == ['0000_errors.png',
                                                  '0001_errors.png']
    maps = np.load(str(tmp_path / 'maps' / '0000_errors.npz'))
    assert sorted(maps.files) == ['depth', 'normal', 'overall', 'seg']
    assert maps['depth'].shape == (32, 64)
    expected = sum(maps[k] / maps[k].max() for k in ('depth', 'normal', 'seg')
                   if maps[k].max() > 0)
    assert np.allclose(maps['overall'], expected)
    assert cv2.imread(written[0]).shape == (32, 5 * 64, 3)
    clouds = point_cloud.main(['--config', PIXELWISE, '--num-images', '1',
                               '--intrinsics', '64', '64', '32', '16',
                               '--out-dir', str(tmp_path / 'clouds'),
                               '--cfg-options', *SHRINK])
    points, colours = read_ply(clouds[0])
    assert points.shape[1] == 3 and colours.shape == points.shape
    assert len(points) <= 32 * 64 and (points[:, 2] > 0).all()
