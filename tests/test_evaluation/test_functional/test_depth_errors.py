import math

import pytest
import torch

from mtlw.evaluation.functional import (DEPTH_METRICS, crop_mask,
                                        depth_errors,
                                        load_per_image_results,
                                        save_per_image_results)


def errors_by_hand(pred, gt):
    """The metric definitions written out in plain Python."""
    n = len(gt)
    d = [math.log(p) - math.log(g) for p, g in zip(pred, gt)]
    ratio = [max(p / g, g / p) for p, g in zip(pred, gt)]
    return dict(
        abs_rel=sum(abs(p - g) / g for p, g in zip(pred, gt)) / n,
        sq_rel=sum((p - g) ** 2 / g for p, g in zip(pred, gt)) / n,
        rmse=math.sqrt(sum((p - g) ** 2 for p, g in zip(pred, gt)) / n),
        rmse_log=math.sqrt(sum(x * x for x in d) / n),
        log10=sum(abs(math.log10(p) - math.log10(g))
                  for p, g in zip(pred, gt)) / n,
        delta1=sum(r < 1.25 for r in ratio) / n,
        delta2=sum(r < 1.25 ** 2 for r in ratio) / n,
        delta3=sum(r < 1.25 ** 3 for r in ratio) / n,
        silog=100 * math.sqrt(sum(x * x for x in d) / n - (sum(d) / n) ** 2))


def test_depth_errors_match_hand_computed_values():
    pred = [2.0, 3.0, 10.0, 1.0, 4.0, 7.5]
    gt = [2.5, 3.0, 5.0, 1.5, 9.0, 7.0]
    got = depth_errors(torch.tensor(pred).view(2, 3),
                       torch.tensor(gt).view(2, 3))
    want = errors_by_hand(pred, gt)
    assert list(got) == list(DEPTH_METRICS)
    for name in DEPTH_METRICS:
        assert got[name].item() == pytest.approx(want[name], rel=1e-6), name
    # ratios 1.25, 1, 2, 1.5, 2.25, 1.07: delta1 counts only the strict < 1.25
    assert got['delta1'].item() == pytest.approx(2 / 6)


def test_depth_errors_use_only_masked_pixels():
    pred = torch.tensor([[2.0, 100.0], [3.0, -1.0]])
    gt = torch.tensor([[4.0, 0.0], [3.0, 0.0]])
    mask = gt > 0
    got = depth_errors(pred, gt, mask)
    want = errors_by_hand([2.0, 3.0], [4.0, 3.0])
    for name in DEPTH_METRICS:
        assert got[name].item() == pytest.approx(want[name], rel=1e-6)


def test_silog_ignores_a_global_scale():
    gt = torch.tensor([1.0, 2.0, 5.0, 9.0])
    assert depth_errors(3 * gt, gt)['silog'].item() == pytest.approx(
        0, abs=1e-4)
    assert depth_errors(3 * gt, gt)['abs_rel'].item() == pytest.approx(2.0)


def test_depth_errors_reject_bad_input():
    with pytest.raises(ValueError, match=r'pred shape \(2,\) != gt shape'):
        depth_errors(torch.ones(2), torch.ones(3))
    with pytest.raises(ValueError, match='no valid pixel'):
        depth_errors(torch.ones(2), torch.ones(2), torch.zeros(2, dtype=bool))
    with pytest.raises(ValueError, match='positive'):
        depth_errors(torch.tensor([0.0, 1.0]), torch.ones(2))


def test_garg_crop_rows_and_columns():
    mask = crop_mask(100, 200, 'garg')
    rows = mask.any(1).nonzero().flatten()
    cols = mask.any(0).nonzero().flatten()
    # int(0.40810811 * 100) = 40, int(0.99189189 * 100) = 99
    assert (rows.min().item(), rows.max().item()) == (40, 98)
    # int(0.03594771 * 200) = 7, int(0.96405229 * 200) = 192
    assert (cols.min().item(), cols.max().item()) == (7, 191)
    assert mask.sum().item() == 59 * 185
    with pytest.raises(ValueError,
                       match="unknown depth evaluation crop 'nyu'"):
        crop_mask(10, 10, 'nyu')


@pytest.mark.parametrize('crop, top, bottom', [('garg', 153, 371),
                                               ('eigen', 124, 342)])
def test_kitti_crops_at_full_resolution(crop, top, bottom):
    # monodepth: int(0.40810811 * 375) = 153, int(0.99189189 * 375) = 371;
    # Eigen: int(0.3324324 * 375) = 124, int(0.91351351 * 375) = 342;
    # columns int(0.0359477 * 1242) = 44, int(0.96405229 * 1242) = 1197
    mask = crop_mask(375, 1242, crop)
    rows = mask.any(1).nonzero().flatten()
    cols = mask.any(0).nonzero().flatten()
    assert (rows.min().item(), rows.max().item()) == (top, bottom - 1)
    assert (cols.min().item(), cols.max().item()) == (44, 1196)
    assert mask.sum().item() == (bottom - top) * (1197 - 44)


@pytest.mark.parametrize('ext', ['json', 'csv'])
def test_per_image_results_round_trip(tmp_path, ext):
    records = [dict(image='a.png', abs_rel=0.5, delta1=0.25),
               dict(image='b.png', abs_rel=0.125, delta1=1.0)]
    path = str(tmp_path / 'sub' / f'per_image.{ext}')
    save_per_image_results(path, records)
    assert load_per_image_results(path) == records


def test_per_image_results_errors(tmp_path):
    with pytest.raises(ValueError, match=r'per_image.txt must end with'):
        save_per_image_results(str(tmp_path / 'per_image.txt'), [])
    with pytest.raises(FileNotFoundError, match='missing.json'):
        load_per_image_results(str(tmp_path / 'missing.json'))
    (tmp_path / 'bad.json').write_text('[{"abs_rel": 1.0}]')
    with pytest.raises(KeyError, match='record 0 has no "image" key'):
        load_per_image_results(str(tmp_path / 'bad.json'))
