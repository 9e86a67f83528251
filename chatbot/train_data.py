"""The data and base models of `python -m chatbot.train_all`: which corpus files each trainer reads (recognised by
their columns), a row sample of each (`--sample`, `--tiny`), and tiny random-initialised base models (`--tiny`)."""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from classifier.data_prep import files_in
from data import DataError
from data.loaders import detect_format, read_table
from generator.tokenization import DEFAULT_KOGPT2, load_kogpt2_tokenizer
from training.files import atomic_directory

WORK_DIR = "train_all"  # <output_dir>/train_all: data sample and tiny base models (re-made identically when missing)
CLASSIFIER_FORMATS = ("keti_single_turn", "emotional_dialogue", "wellness")  # the README's classifier corpora
GENERATOR_FORMATS = ("wellness", "emotional_dialogue", "chatbot_data")  # dialogue corpora with replies
TINY_WIDTHS = {  # --tiny: every other config key stays the base model's
    "kobert": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64},
    "kogpt2": {"n_embd": 64, "n_layer": 2, "n_head": 2},
}
TINY_SAMPLE = 120  # rows per corpus file with --tiny: every six-emotion label still present, seconds per stage


@dataclass
class Plan:
    """What the run reads and where it writes."""

    output_dir: Path
    classifier_files: list[Path]
    generator_files: list[Path]
    kobert: str
    kogpt2: str
    skipped: dict[str, str] = field(default_factory=dict)  # file → why it is not used

    @property
    def classifier_dir(self) -> Path:
        return self.output_dir / "classifier"

    @property
    def generator_dir(self) -> Path:
        return self.output_dir / "generator"

    @property
    def report_dir(self) -> Path:
        return self.output_dir / "report"


def find_corpora(data_dir: Path) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """Corpus files under `data_dir` by format (recognised from their columns), and the files left out (why)."""
    by_format: dict[str, list[Path]] = {}
    skipped = {}
    for path in files_in(data_dir):
        try:
            kind = detect_format(path)
        except DataError as error:
            skipped[str(path)] = str(error).split(";")[0]
            continue
        except Exception as error:  # noqa: BLE001 — any other file in the folder (a huge or odd JSON …): not a corpus
            skipped[str(path)] = f"unreadable as a table ({type(error).__name__})"
            continue
        if kind in CLASSIFIER_FORMATS or kind in GENERATOR_FORMATS:
            by_format.setdefault(kind, []).append(path)
        else:
            skipped[str(path)] = f"{kind}: not used by train_all"
    return by_format, skipped


def sample_file(source: Path, target: Path, rows: int, seed: int) -> Path:
    """A CSV copy of `source` (same columns) with at most `rows` rows, in file order; wellness keeps whole categories.

    Written once (atomically); an existing sample is kept, so a resumed run reads exactly the same rows.
    """
    if target.is_file():
        return target
    table = read_table(source)
    rng = random.Random(seed)
    if "구분" in table.columns:  # wellness: replies sit on the first rows of a category, so keep categories whole
        position = table.columns.index("구분")
        categories = sorted({cells[position] for _, cells in table.rows})
        rng.shuffle(categories)
        chosen, count = set(), 0
        sizes: dict[str, int] = {}
        for _, cells in table.rows:
            sizes[cells[position]] = sizes.get(cells[position], 0) + 1
        for category in categories:
            if count >= rows:
                break
            chosen.add(category)
            count += sizes[category]
        kept = [cells for _, cells in table.rows if cells[position] in chosen]
    else:
        picked = sorted(rng.sample(range(len(table.rows)), min(rows, len(table.rows))))
        kept = [table.rows[i][1] for i in picked]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        writer.writerows(kept)
    os.replace(partial, target)
    return target


def build_tiny_bases(work_dir: Path, kobert: str, kogpt2: str, seed: int) -> tuple[str, str]:
    """Tiny random-initialised KoBERT and KoGPT2 directories with the real tokenizers and the base configs."""
    import torch  # why: torch only when tiny bases are built; `train_all --help` stays light
    from transformers import AutoConfig, BertModel, GPT2LMHeadModel

    from classifier.tokenization import load_kobert_tokenizer

    kobert_dir, kogpt2_dir = work_dir / "base" / "kobert", work_dir / "base" / "kogpt2"
    if not (kobert_dir / "config.json").is_file():
        config = AutoConfig.from_pretrained(kobert, **TINY_WIDTHS["kobert"])
        torch.manual_seed(seed)
        _save_base(kobert_dir, BertModel(config), load_kobert_tokenizer(kobert))
    if not (kogpt2_dir / "config.json").is_file():
        try:
            config = AutoConfig.from_pretrained(kogpt2, **TINY_WIDTHS["kogpt2"])
        except OSError as error:
            raise FileNotFoundError(
                f"--kogpt2 {kogpt2}: no config.json ({str(error).splitlines()[0]}); give the hub "
                f"id {DEFAULT_KOGPT2} or a directory holding config.json and tokenizer.json"
            ) from None
        tokenizer = load_kogpt2_tokenizer(kogpt2)
        torch.manual_seed(seed + 1)
        _save_base(kogpt2_dir, GPT2LMHeadModel(config), tokenizer)
    return str(kobert_dir), str(kogpt2_dir)


def _save_base(directory: Path, model, tokenizer) -> None:
    """A base-model directory (weights and tokenizer, as the hub has them), written atomically."""

    def write(tmp: Path) -> None:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)

    atomic_directory(directory, write)


def make_plan(args) -> Plan:
    output_dir = Path(args.output_dir)
    by_format, skipped = find_corpora(Path(args.data_dir))
    work_dir = output_dir / WORK_DIR
    if args.sample:
        jobs = [(kind, path) for kind, paths in by_format.items() for path in paths]
        sampled: dict[str, list[Path]] = {}
        for kind, path in tqdm(jobs, desc=f"sampling {args.sample} rows per file", unit="file"):
            target = work_dir / "data" / f"{kind}__{path.stem}.csv"
            sampled.setdefault(kind, []).append(sample_file(path, target, args.sample, args.seed))
        by_format = sampled
    classifier_files = [p for kind in CLASSIFIER_FORMATS for p in by_format.get(kind, [])]
    generator_files = [p for kind in GENERATOR_FORMATS for p in by_format.get(kind, [])]
    for name, files, kinds in (
        ("classifier", classifier_files, CLASSIFIER_FORMATS),
        ("generator", generator_files, GENERATOR_FORMATS),
    ):
        if not files:
            raise FileNotFoundError(
                f"--data_dir {args.data_dir}: no corpus for the {name} (expected one of "
                f"{', '.join(kinds)}: AI Hub wellness, 감성대화, KETI, ChatbotData files)"
            )
    kobert, kogpt2 = args.kobert, args.kogpt2
    if args.tiny:
        kobert, kogpt2 = build_tiny_bases(work_dir, args.kobert, args.kogpt2, args.seed)
    return Plan(output_dir, classifier_files, generator_files, kobert, kogpt2, skipped)
