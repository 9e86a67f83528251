"""Training and checkpoint plumbing shared by the classifier and the generator (below both model packages).

    training.files      atomic checkpoint directories, output-folder checks, `looks_local`, JSON writing
    training.batches    `LengthGroupedBatches`: similar lengths per batch, reshuffled per epoch
    training.device     `resolve_device`, and the one bf16 autocast choice (`use_bf16`, `autocast`)
    training.optim      AdamW parameter groups (one no-decay rule) and the warmup/decay schedule
    training.resume     the one resume layout: `<output_dir>-resume/` with weights, optimizer state and `Progress`
    training.arguments  the flags both trainers share, with the same names

Each model keeps its own explicit loop (`classifier/train.py`, `generator/train.py`). Nothing is imported here:
torch loads only where a module needs it.
"""
