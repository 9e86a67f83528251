"""The one-page report of `python -m chatbot.train_all` (Markdown + PNGs) and the model cards of its checkpoints.

Everything is read from what the trainers and evaluators wrote: `classifier/metrics.json`,
`classifier/eval/report.json` (+ `confusion_matrix.png`), `generator/metrics.json`, `generator/eval_report.json`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from chatbot.licences import load_licences, write_model_card


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _cell(text) -> str:
    """Text for one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip() or "—"


def plot_training_curves(classifier_metrics: dict, generator_metrics: dict, path: Path) -> Path | None:
    """Validation macro-F1 of the classifier and train/validation loss of the generator, per epoch."""
    import matplotlib  # why: matplotlib only when a report with curves is written

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    clf = classifier_metrics.get("history") or []
    gen = generator_metrics.get("history") or []
    if not clf and not gen:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    if clf:
        left.plot(
            [r["epoch"] for r in clf], [r["validation_macro_f1"] for r in clf], marker="o", label="validation macro-F1"
        )
        left.plot(
            [r["epoch"] for r in clf], [r["validation_accuracy"] for r in clf], marker="s", label="validation accuracy"
        )
        left.set_ylim(0, 1)
        left.legend(fontsize=8)
    left.set_title("classifier (KoBERT)")
    left.set_xlabel("epoch")
    if gen:
        right.plot([r["epoch"] for r in gen], [r["train_loss"] for r in gen], marker="o", label="train loss")
        right.plot([r["epoch"] for r in gen], [r["validation_loss"] for r in gen], marker="s", label="validation loss")
        right.legend(fontsize=8)
    right.set_title("generator (KoGPT2)")
    right.set_xlabel("epoch")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _stage_table(state: dict) -> list[str]:
    estimate = state.get("estimate", {}).get("seconds", {})
    rows = ["| stage | took | estimated |", "|---|---:|---:|"]
    for stage, done in state.get("done", {}).items():
        expected = estimate.get(stage)
        rows.append(f"| {stage} | {done['seconds']:.1f} s | {'—' if expected is None else f'{expected:.1f} s'} |")
    return rows


def _classifier_section(classifier_dir: Path, report_dir: Path, clf_metrics: dict, clf_eval: dict) -> list[str]:
    lines = ["## 감정 분류기 / Emotion classifier (KoBERT)", ""]
    if not clf_eval:
        return lines + ["(no classifier evaluation found)", ""]
    lines += [
        (
            f"Test split ({clf_eval['examples']} sentences): **accuracy {clf_eval['accuracy']:.3f}, "
            f"macro-F1 {clf_eval['macro_f1']:.3f}** (best epoch {clf_metrics.get('best_epoch')})."
        ),
        "",
        "| emotion | precision | recall | F1 | sentences |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, row in clf_eval.get("per_class", {}).items():
        lines.append(
            f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |"
        )
    lines.append("")
    matrix = classifier_dir / "eval" / "confusion_matrix.png"
    if matrix.is_file():
        shutil.copyfile(matrix, report_dir / "confusion_matrix.png")
        lines += ["![confusion matrix](confusion_matrix.png)", ""]
    return lines


def _generator_section(gen_eval: dict) -> list[str]:
    lines = ["## 답변 생성기 / Reply generator (KoGPT2)", ""]
    if not gen_eval:
        return lines + ["(no generator evaluation found)", ""]
    test, generation = gen_eval["test"], gen_eval["generation"]
    lines += [
        (
            f"Test split ({test['examples']} examples): **perplexity {test['perplexity']:.2f}**; "
            f"{generation['replies']} sampled replies: distinct-1 {generation['distinct_1']:.3f}, distinct-2 "
            f"{generation['distinct_2']:.3f}, repeated 3-grams {generation['repeated_3gram_rate']:.3f}, "
            f"{generation['mean_reply_tokens']:.1f} tokens per reply."
        ),
        "",
    ]
    control = gen_eval.get("emotion_control", {})
    if "changed_share" in control:
        lines += [
            (
                f"**Emotion control** — the same {control['messages']} test messages answered under each of "
                f"{len(control['tags'])} tags (greedy decoding, so only the tag differs): "
                f"{control['changed_share']:.0%} of tag swaps change the reply "
                f"({control['distinct_replies_per_message']:.1f} different replies per message)."
            ),
            "",
            "| reader of the replies | reads the tag back | chance | lift over the other tags |",
            "|---|---:|---:|---:|",
        ]
        for name, reading in control.get("readers", {}).items():
            if "accuracy" in reading:
                lines.append(
                    f"| {name} | {reading['accuracy']:.3f} | {reading['chance']:.3f} | {reading['lift']:+.3f} |"
                )
        lines += [
            "",
            (
                "Lift is P(read as t | tag t) − P(read as t | other tags), averaged over tags: 0 means the tag "
                "changes nothing a reader can see."
            ),
            "",
        ]
    return lines


def _samples_section(gen_eval: dict) -> list[str]:
    lines = []
    per_emotion = gen_eval.get("generation", {}).get("per_emotion", {})
    if per_emotion:
        lines += [
            "## 감정별 답변 예시 / Sample replies per emotion",
            "",
            "| emotion | message | reply | reference |",
            "|---|---|---|---|",
        ]
        for emotion, rows in per_emotion.items():
            for row in rows:
                lines.append(
                    f"| {emotion} | {_cell(row['message'])} | {_cell(row['reply'])} | {_cell(row['reference'])} |"
                )
        lines.append("")
    examples = gen_eval.get("emotion_control", {}).get("examples", [])
    if examples:
        lines += [
            "### 같은 메시지, 다른 감정 태그 / One message, every tag",
            "",
            "| tag | message | reply |",
            "|---|---|---|",
        ]
        lines += [f"| {e['tag']} | {_cell(e['message'])} | {_cell(e['reply'])} |" for e in examples]
        lines.append("")
    return lines


def _licence_section(output_dir: Path) -> list[str]:
    licences = load_licences()
    lines = ["## 라이선스 / Licences", ""]
    lines += [f"- {m['name']}: {m['licence']} — {m['ko']} / {m['en']}" for m in licences["models"].values()]
    return lines + [
        f"- AI Hub: {licences['terms']['AI Hub']['ko']} / {licences['terms']['AI Hub']['en']}",
        "- Each checkpoint's README.md (model card) names its base model and training data with their terms.",
        "",
        "## 다음 / Next",
        "",
        "```bash",
        "python app.py" + ("" if output_dir == Path("checkpoints") else f" --checkpoints_dir {output_dir}"),
        "```",
        "",
    ]


def _write_model_cards(
    classifier_dir: Path, generator_dir: Path, report: Path, clf_eval: dict, gen_eval: dict
) -> None:
    note = f"Trained by `python -m chatbot.train_all`; report: `{os.path.relpath(report, classifier_dir)}`."
    if classifier_dir.is_dir():
        metrics = {k: round(clf_eval[k], 4) for k in ("accuracy", "macro_f1") if k in clf_eval}
        write_model_card(classifier_dir, "classifier", {f"test {k}": v for k, v in metrics.items()}, [note])
    if generator_dir.is_dir():
        metrics = {}
        if gen_eval:
            metrics["test perplexity"] = round(gen_eval["test"]["perplexity"], 3)
            metrics["distinct-2"] = round(gen_eval["generation"]["distinct_2"], 4)
            if "changed_share" in gen_eval.get("emotion_control", {}):
                metrics["tag swaps that change the reply"] = round(gen_eval["emotion_control"]["changed_share"], 4)
        write_model_card(generator_dir, "generator", metrics, [note])


def write_report(output_dir: str | os.PathLike, state: dict) -> Path:
    """`<output_dir>/report/report.md` + PNGs, and README.md model cards in both checkpoints."""
    output_dir = Path(output_dir)
    classifier_dir, generator_dir, report_dir = (
        output_dir / "classifier",
        output_dir / "generator",
        output_dir / "report",
    )
    report_dir.mkdir(parents=True, exist_ok=True)
    clf_metrics = _read(classifier_dir / "metrics.json")
    clf_eval = _read(classifier_dir / "eval" / "report.json")
    gen_metrics = _read(generator_dir / "metrics.json")
    gen_eval = _read(generator_dir / "eval_report.json")
    settings = state.get("settings", {})
    lines = ["# MaeumChat 학습 보고서 / training report", ""]
    if settings.get("tiny"):
        lines += [
            (
                "> **--tiny run**: tiny random-initialised models on a data sample. It checks that every step works; "
                "its scores and replies mean nothing."
            ),
            "",
        ]
    estimate = state.get("estimate", {})
    lines += [
        f"- data: `{settings.get('data_dir')}`"
        + (f" (at most {settings['sample']} rows per file)" if settings.get("sample") else ""),
        f"- base models: `{settings.get('kobert')}`, `{settings.get('kogpt2')}`",
        f"- device: {estimate.get('device', 'not timed')}",
        "",
    ]
    lines += ["## 단계 / Stages", "", *_stage_table(state), ""]
    lines += _classifier_section(classifier_dir, report_dir, clf_metrics, clf_eval)
    lines += _generator_section(gen_eval)
    if plot_training_curves(clf_metrics, gen_metrics, report_dir / "training_curves.png"):
        lines += ["![training curves](training_curves.png)", ""]
    lines += _samples_section(gen_eval)
    lines += _licence_section(output_dir)
    report = report_dir / "report.md"
    partial = report.with_name(f".report.md.tmp-{os.getpid()}")
    partial.write_text("\n".join(lines), encoding="utf-8")
    os.replace(partial, report)
    _write_model_cards(classifier_dir, generator_dir, report, clf_eval, gen_eval)
    return report
