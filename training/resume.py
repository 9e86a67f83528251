"""The one resume layout of both trainers: `<output_dir>-resume/` holds the last epoch, whole or not at all.

    model.safetensors + config.json   the model's weights (its own `save_pretrained`)
    optimizer.safetensors             optimizer tensors and the RNG states
    trainer_state.json                `Progress`, optimizer scalars and param groups, scheduler, Python RNG

Everything is safetensors or JSON — never pickle — and written with `atomic_directory`, so a run killed while
saving leaves the previous epoch's state. A resumed run ends at the weights an uninterrupted one reaches.
"""

from __future__ import annotations

import ast
import json
import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from training import files

RESUME_SUFFIX = "-resume"
STATE_FILE = "trainer_state.json"
OPTIMIZER_FILE = "optimizer.safetensors"


@dataclass
class Progress:
    """Where a run stands after an epoch; the same keys for both trainers."""

    epoch: int = 0  # epochs finished
    step: int = 0  # optimizer steps taken
    best: float | None = None  # the selection metric of the best epoch (classifier: macro-F1; generator: loss)
    best_epoch: int | None = None
    bad_epochs: int = 0  # epochs since the best one, for early stopping
    history: list[dict] = field(default_factory=list)  # one record per epoch

    def finish_epoch(self, record: dict, score: float, *, higher_is_better: bool) -> bool:
        """Add the epoch's `record` (its "epoch" key counts from 1); True when `score` beats every earlier epoch."""
        self.epoch = record["epoch"]
        self.history.append(record)
        improved = self.best is None or (score > self.best if higher_is_better else score < self.best)
        if improved:
            self.best, self.best_epoch, self.bad_epochs = score, self.epoch, 0
        else:
            self.bad_epochs += 1
        return improved


def resume_dir(output_dir: str | os.PathLike) -> Path:
    """Where the run writing `output_dir` keeps its --resume state."""
    return Path(f"{str(output_dir).rstrip('/')}{RESUME_SUFFIX}")


def check_resume_dir(output_dir: str | os.PathLike, resume: bool, overwrite: bool = False) -> Path:
    """`output_dir`'s resume folder, guarded like the output folder; with `resume` it must hold a saved state."""
    directory = files.check_output_dir(resume_dir(output_dir), overwrite, option="resume state")
    if resume and not (directory / STATE_FILE).is_file():
        raise FileNotFoundError(
            f"--resume: {directory / STATE_FILE} not found (no earlier run with --output_dir "
            f"{output_dir}); run without --resume to start training"
        )
    return directory


def save_resume_state(directory: str | os.PathLike, model, optimizer, scheduler, progress: Progress) -> Path:
    """Weights, optimizer, scheduler, RNG and progress of the last epoch, swapped into `directory` together."""

    def write(staging: Path) -> None:
        model.save_pretrained(staging)
        save_training_state(staging, optimizer, scheduler, asdict(progress))

    return files.atomic_directory(directory, write)


def load_resume_state(directory: str | os.PathLike, optimizer, scheduler) -> Progress:
    """Restore the optimizer, scheduler and RNG saved in `directory`; the progress they belong to."""
    saved = load_training_state(directory, optimizer, scheduler)
    unknown = sorted(set(saved) - set(Progress.__dataclass_fields__))
    if unknown:
        raise ValueError(
            f"{Path(directory) / STATE_FILE}: not a state this version wrote (keys {', '.join(unknown)}); "
            f"run without --resume to start training again"
        )
    return Progress(**saved)


def save_training_state(directory: str | os.PathLike, optimizer, scheduler, state: dict) -> None:
    """Optimizer tensors and torch RNG as safetensors, everything else (scheduler, progress) as JSON — no pickle."""
    import torch  # why: torch only to write state; train_all and --help read the layout without it
    from safetensors.torch import save_file

    optimizer = getattr(optimizer, "optimizer", optimizer)  # accelerate wraps both
    scheduler = getattr(scheduler, "scheduler", scheduler)
    opt = optimizer.state_dict()
    tensors = {
        f"{param}.{key}": value.detach().cpu().contiguous()
        for param, values in opt["state"].items()
        for key, value in values.items()
        if torch.is_tensor(value)
    }
    scalars = {
        f"{param}.{key}": value
        for param, values in opt["state"].items()
        for key, value in values.items()
        if not torch.is_tensor(value)
    }
    tensors["torch_rng"] = torch.get_rng_state()
    if torch.cuda.is_available():  # dropout on a GPU draws from its own generator
        tensors.update({f"cuda_rng.{i}": state for i, state in enumerate(torch.cuda.get_rng_state_all())})
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(directory / OPTIMIZER_FILE))
    (directory / STATE_FILE).write_text(
        json.dumps(
            {
                **state,
                "param_groups": opt["param_groups"],
                "optimizer_scalars": scalars,
                "scheduler": scheduler.state_dict(),
                "python_rng": repr(random.getstate()),
            },
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )


def load_training_state(directory: str | os.PathLike, optimizer, scheduler) -> dict:
    """Restore what `save_training_state` wrote into `optimizer` and `scheduler`; return the saved progress dict."""
    import torch  # why: torch only to read state; train_all and --help read the layout without it
    from safetensors.torch import load_file

    directory = Path(directory)
    tensors = load_file(str(directory / OPTIMIZER_FILE))
    saved = json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
    state: dict = {}
    for name, value in tensors.items():
        if name != "torch_rng" and not name.startswith("cuda_rng."):
            param, key = name.split(".", 1)
            state.setdefault(int(param), {})[key] = value
    for name, value in saved.pop("optimizer_scalars").items():
        param, key = name.split(".", 1)
        state.setdefault(int(param), {})[key] = value
    optimizer = getattr(optimizer, "optimizer", optimizer)
    optimizer.load_state_dict({"state": state, "param_groups": saved.pop("param_groups")})
    getattr(scheduler, "scheduler", scheduler).load_state_dict(saved.pop("scheduler"))
    torch.set_rng_state(tensors["torch_rng"])
    cuda_states = sorted(
        (int(name.split(".")[1]), value) for name, value in tensors.items() if name.startswith("cuda_rng.")
    )
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([value for _, value in cuda_states])
    random.setstate(ast.literal_eval(saved.pop("python_rng")))
    return saved
