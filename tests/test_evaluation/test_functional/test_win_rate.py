import os.path as osp
import runpy

import pytest

from mtlw.evaluation.functional import (image_vote, save_per_image_results,
                                        win_rate, win_rate_matrix)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
GOOD = dict(abs_rel=0.1, sq_rel=0.5, rmse=4.0, rmse_log=0.2, delta1=0.9,
            delta2=0.95, delta3=0.99)


def test_image_vote_is_a_majority_over_the_seven_metrics():
    # A is worse on 3 errors but better on rmse_log and all 3 deltas: 4 - 3
    a = dict(GOOD, abs_rel=0.2, sq_rel=0.6, rmse=5.0, rmse_log=0.1,
             delta1=0.95, delta2=0.96, delta3=1.0)
    assert image_vote(a, GOOD) == 1
    assert image_vote(GOOD, a) == -1
    # higher delta is better, lower error is better
    assert image_vote(dict(GOOD, delta1=0.8), GOOD) == -1
    assert image_vote(dict(GOOD, rmse=3.0), GOOD) == 1
    # 1 better, 1 worse, 5 equal: a tie
    assert image_vote(dict(GOOD, rmse=3.0, delta2=0.5), GOOD) == 0


def fabricated(tmp_path, name, rows, ext):
    records = [dict(image=f'img{i}.png', **row) for i, row in enumerate(rows)]
    path = str(tmp_path / f'{name}.{ext}')
    save_per_image_results(path, records)
    return path, records


@pytest.mark.parametrize('ext', ['json', 'csv'])
def test_win_rate_tool_on_fabricated_files(tmp_path, ext, monkeypatch,
                                           capsys):
    better = dict(GOOD, abs_rel=0.05, rmse=3.0)
    worse = dict(GOOD, abs_rel=0.3)
    # A wins images 0 and 1, loses 2, ties 3 (identical)
    path_a, rec_a = fabricated(tmp_path, 'a', [better, better, worse, GOOD],
                               ext)
    path_b, rec_b = fabricated(tmp_path, 'b', [GOOD, GOOD, GOOD, GOOD], ext)
    result = win_rate(rec_a, list(reversed(rec_b)))  # matched by name
    assert result == dict(win_rate=0.5, loss_rate=0.25, tie_rate=0.25,
                          num_images=4)
    monkeypatch.setattr('sys.argv', ['win_rate.py', path_a, path_b])
    runpy.run_path(osp.join(ROOT, 'tools', 'analysis', 'win_rate.py'),
                   run_name='__main__')
    out = capsys.readouterr().out
    assert 'A wins 0.5000, B wins 0.2500, ties 0.2500 of 4 images' in out


def test_win_rate_errors():
    a = [dict(image='x', **GOOD)]
    with pytest.raises(ValueError, match=r"only in A \['x'\], only in B "
                                         r"\['y'\]"):
        win_rate(a, [dict(image='y', **GOOD)])
    with pytest.raises(ValueError, match='results B list an image more'):
        win_rate(a, a + a)
    with pytest.raises(KeyError, match=r"results A lack metrics \['delta3'\]"):
        win_rate([dict(image='x', abs_rel=1.0)], a,
                 metrics=('abs_rel', 'delta3'))


def test_win_rate_matrix_of_three_models(tmp_path, monkeypatch, capsys):
    better = dict(GOOD, abs_rel=0.05, rmse=3.0)
    worse = dict(GOOD, abs_rel=0.3)
    # per image: a, b, c
    rows = [(better, GOOD, worse), (better, GOOD, GOOD), (worse, GOOD, GOOD),
            (GOOD, GOOD, better)]
    paths, records = {}, {}
    for k, name in enumerate('abc'):
        paths[name], records[name] = fabricated(
            tmp_path, name, [row[k] for row in rows], 'json')
    matrix = win_rate_matrix(records)
    assert len(matrix) == 6
    assert matrix[('a', 'b')] == 0.5 and matrix[('b', 'a')] == 0.25
    # a vs c: image 0 a better (c worse), image 1 a better, image 2 c
    # better, image 3 c better
    assert matrix[('a', 'c')] == 0.5 and matrix[('c', 'a')] == 0.5
    # b vs c: image 0 b wins, image 3 c wins, images 1 and 2 tie
    assert matrix[('b', 'c')] == 0.25 and matrix[('c', 'b')] == 0.25
    monkeypatch.setattr('sys.argv', ['win_rate.py', *paths.values(),
                                     '--names', 'A', 'B', 'C'])
    runpy.run_path(osp.join(ROOT, 'tools', 'analysis', 'win_rate.py'),
                   run_name='__main__')
    out = capsys.readouterr().out.splitlines()
    assert out[0] == '| wins against | A | B | C |'
    assert out[2] == '| A | - | 0.5000 | 0.5000 |'
    assert out[3] == '| B | 0.2500 | - | 0.2500 |'
