"""Launch folders of mmengine runs, as a killed and resumed run leaves
them: ``<work_dir>/<time>/vis_data/scalars.json`` and ``<time>.log``."""
import json
import os
import os.path as osp


def train(it, launch, weight=0.5, epoch=None):
    """A training record as mmengine logs it; ``launch`` tags its origin."""
    record = {'lr': 0.01, 'loss': 1.0, 'seg.loss_ce': 2.0,
              'weight/seg.loss_ce': weight, 'launch': launch, 'iter': it,
              'step': it}
    if epoch is not None:
        record['epoch'] = epoch
    return record


def val(step, launch, miou=50.0):
    return {'seg/mIoU': miou, 'launch': launch, 'step': step}


def write_launch(work_dir, stamp, records, resumed=None, text=None):
    """A launch folder ``<work_dir>/<stamp>/`` with its scalars and log."""
    folder = osp.join(str(work_dir), stamp)
    os.makedirs(osp.join(folder, 'vis_data'))
    path = osp.join(folder, 'vis_data', 'scalars.json')
    with open(path, 'w') as file:
        file.write(text if text is not None else
                   ''.join(json.dumps(r) + '\n' for r in records))
    with open(osp.join(folder, stamp + '.log'), 'w') as file:
        file.write('12/03 13:26:06 - mmengine - INFO - Checkpoints\n')
        if resumed is not None:
            file.write('12/03 13:26:06 - mmengine - INFO - resumed epoch: '
                       f'0, iter: {resumed}\n')
    return path


def killed_then_resumed(work_dir, resumed=4):
    """Launch A logs 1..7 (validating every 2) and dies; launch B resumes
    from the checkpoint of iteration 4 and runs to 8."""
    write_launch(work_dir, '20260101_000000', [
        train(1, 'A'), train(2, 'A'), val(2, 'A'), train(3, 'A'),
        train(4, 'A'), val(4, 'A'), train(5, 'A'), train(6, 'A'),
        val(6, 'A'), train(7, 'A')])
    write_launch(work_dir, '20260102_000000', [
        train(5, 'B', 0.7), train(6, 'B', 0.7), val(6, 'B', 60.0),
        train(7, 'B', 0.7), train(8, 'B', 0.7), val(8, 'B', 70.0)],
        resumed=resumed)
