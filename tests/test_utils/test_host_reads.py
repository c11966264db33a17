"""The host-read counter: what it counts, where from, and what it sets
apart as staying on the CPU in a GPU run."""
import torch

from mtlw.utils.host_reads import HostReadCounter

HERE = 'tests/test_utils/test_host_reads.py'


def kinds(counter):
    return [(read.kind, read.resident) for read in counter.reads]


def test_every_way_of_reading_a_value_is_counted_once():
    weights = torch.nn.Parameter(torch.ones(3))
    value = weights.detach() * 2  # computed from a parameter: on the device
    counter = HostReadCounter()
    with counter:
        value[0].item()
        float(value.sum())
        bool(value.sum() > 0)
        f'{value.sum():.2f}'
        value.tolist()
        value.numpy()
        value.cpu()
        value[value > 1]  # a boolean index sizes its output by the data
        value.unique()
        value + 1  # no read
    assert [k for k, _ in kinds(counter)] == [
        'item', 'item', 'item', 'item', 'tolist', 'numpy', 'cpu',
        'sized-by-data', 'sized-by-data']
    assert not any(resident for _, resident in kinds(counter))
    assert all(read.source.startswith(HERE + ':') for read in counter.reads)


def test_host_born_tensors_and_optimizer_counters_are_resident():
    counter = HostReadCounter()
    with counter:  # tensors are followed while the counter is on
        shapes = torch.tensor([[3, 8, 8], [3, 8, 6]])  # from Python data
        padded = shapes.max(dim=0)[0] - shapes
        moved = torch.zeros(2).to('cpu')  # .to(device): the run's device
        bool(padded.sum() == 0)
        float(moved.sum())
    assert kinds(counter) == [('item', True), ('item', False)]

    param = torch.nn.Parameter(torch.ones(2))
    param.grad = torch.ones(2)
    optimizer = torch.optim.Adam([param], foreach=False)
    counter = HostReadCounter()
    with counter:
        optimizer.step()  # reads its CPU step counter
    assert counter.reads and all(r for _, r in kinds(counter))


def test_reads_on_a_gpu_run_of_cpu_tensors_are_resident():
    counter = HostReadCounter('cuda')
    with counter:
        torch.ones(()).item()
    assert kinds(counter) == [('item', True)]


def test_summary_averages_over_the_iterations_asked():
    counter = HostReadCounter()
    value = torch.nn.Parameter(torch.ones(())).detach() + 0
    with counter:
        for iteration in (1, 2, 2, 4):
            counter.iteration = iteration
            value.item()
    mean, sources = counter.summary([1, 2, 3])
    assert mean == 1.0
    (source, count), = sources.items()
    assert source.endswith('(item)') and count == 1.0
    assert sorted(counter.per_iteration()) == [1, 2, 4]
