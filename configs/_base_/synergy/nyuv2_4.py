# The synergy net of Jiao et al., "Look Deeper into Depth" (ECCV 2018) on
# NYUv2 with the 4 structure classes of Silberman et al. (ECCV 2012: ground,
# structure, furniture, props), the "Proposed-4c" model of the supplementary
# Tables 4-6 and the data of its Tables 1-2. The 40-class files of
# data/nyuv2_40 read through the 40 -> 4 table of
# mtlw/datasets/class_maps/nyuv2_40_to_4.txt (num_classes=4).
_base_ = ['./nyuv2_40.py']
num_classes = 4
model = dict(tasks=dict(seg=dict(channels=num_classes)))
train_dataloader = dict(dataset=dict(num_classes=num_classes))
val_dataloader = dict(dataset=dict(num_classes=num_classes))
test_dataloader = val_dataloader
