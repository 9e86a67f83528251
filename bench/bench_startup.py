"""Start-up benchmark: how long `make run` (or `python app.py`) takes until the page answers and until a first
reply, with the venv present; and its two big parts measured on their own, each in a fresh process — importing
gradio, and building the engine and answering once — whose sum is what a start that did one after the other would
take.

    python -m bench.bench_startup                 # python app.py, 3 starts
    python -m bench.bench_startup --via make      # make run ARGS=…, as the README says
    python -m bench.bench_startup --quick         # one start (a smoke run)

Each start uses an empty checkpoints folder, so it measures the offline default engine. Loopback only.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, free_port
from data.cli import add_choice, make_parser

POLL_S = 0.05  # how often the page is asked for while starting: finer than the figures reported
START_TIMEOUT_S = 180


def time_in_fresh_process(code: str) -> float:
    """Seconds a fresh interpreter takes to run `code` (interpreter start included)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    return time.perf_counter() - start


def one_start(via: str, workdir: Path) -> tuple[float, float]:
    """(seconds until GET / answers 200, seconds until /chat gave a first reply) for one start."""
    import httpx

    port = free_port()
    flags = ["--port", str(port), "--checkpoints_dir", str(workdir / "none"), "--no_save_history"]
    if via == "make":
        command = ["make", "-s", "-C", str(REPO), "run", f"ARGS={' '.join(flags)}"]
    else:
        command = [sys.executable, str(REPO / "app.py"), *flags]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    page: float | None = None
    reply: float | None = None
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            while page is None:
                if time.perf_counter() - start > START_TIMEOUT_S or process.poll() is not None:
                    raise RuntimeError(f"{' '.join(command)} did not serve a page (exit code {process.poll()})")
                try:
                    if http.get("/").status_code == 200:
                        page = time.perf_counter() - start
                except httpx.TransportError:
                    time.sleep(POLL_S)
            event = http.post("/gradio_api/call/chat", json={"data": ["안녕, 오늘 기분 좋아", 0.7, 0.9, 48]}).json()
            with http.stream("GET", f"/gradio_api/call/chat/{event['event_id']}") as stream:
                for line in stream.iter_lines():
                    if line.startswith("event: complete"):
                        reply = time.perf_counter() - start
                        break
                    if line.startswith("event: error"):
                        raise RuntimeError("/chat failed during start-up")
            if reply is None:
                raise RuntimeError("/chat ended without a reply during start-up")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return page, reply


def main(argv=None) -> int:
    parser = make_parser("python -m bench.bench_startup", __doc__)
    ways = {"python": "start with `python app.py`", "make": "start with `make run ARGS=…`"}
    add_choice(parser, "--via", ways, default="python")
    parser.add_argument("--runs", type=int, default=None, help="starts to time (default 3; quick 1)")
    parser.add_argument("--quick", action="store_true", help="one start, one measurement of each part")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)

    interpreter = [time_in_fresh_process("pass") for _ in range(runs)]
    gradio = [time_in_fresh_process("import gradio") for _ in range(runs)]
    engine = [
        time_in_fresh_process(
            "from chatbot import Chatbot; Chatbot.default(checkpoints_dir='/nonexistent').reply('안녕하세요')"
        )
        for _ in range(runs)
    ]  # with its first reply: the engine loads some of its parts on first use
    starts = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            starts.append(one_start(args.via, Path(tmp)))
    median = statistics.median
    page, reply = median(s[0] for s in starts), median(s[1] for s in starts)
    one_after_other = median(gradio) + median(engine) - median(interpreter)
    print(
        f"parts, each in a fresh process (median of {runs}): interpreter {median(interpreter):.2f} s, "
        f"import gradio {median(gradio):.2f} s, build the offline engine and answer once {median(engine):.2f} s"
    )
    print(
        f"{'make run' if args.via == 'make' else 'python app.py'}: page answers after {page:.2f} s, first reply after "
        f"{reply:.2f} s (median of {runs}: {', '.join(f'{p:.2f}/{r:.2f}' for p, r in starts)})"
    )
    print(
        f"  the page comes {page / one_after_other:.2f}× as soon as gradio's import + the engine's build one after "
        f"the other ({one_after_other:.2f} s); target: the page in ≤ 6 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
