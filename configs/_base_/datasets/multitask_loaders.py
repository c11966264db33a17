# The loaders of the multi-task benchmarks (`_base_/benchmarks/`): batch 8,
# 4 workers, shuffled training. A benchmark base sets each loader's dataset
# (type, data_root, split, pipeline) and, where it differs, its batch size.
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
