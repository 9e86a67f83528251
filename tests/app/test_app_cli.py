"""app.py flags and the --share path: a failing or hanging tunnel never crashes or hangs the app.

No test contacts a non-loopback address: tunnels here are stand-ins passed to `app.launch`.
"""

import threading
import time

import pytest

import app


def _serves(local_url: str) -> bool:
    import httpx

    return httpx.get(local_url, timeout=10).status_code == 200


def test_help_lists_the_flags(capsys):
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in (
        "--share",
        "--auth",
        "--host",
        "--port",
        "--classifier",
        "--generator",
        "--data",
        "--device",
        "--quantize",
        "--feedback_db",
        "--no_save_history",
    ):
        assert flag in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--auth", "nopassword"], "expected USER:PASS"),
        (["--port", "70000"], "expected 1–65535"),
        (["--device", "tpu"], "invalid choice"),
        (["--offline", "--classifier", "x"], "cannot be combined"),
        (["--concurrency", "0"], "expected at least 1"),
        (["--feedback_db", "/nonexistent-folder/ratings.db"], "folder /nonexistent-folder does not exist"),
    ],
)
def test_bad_flags_are_clear_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        app.parse_args(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def offline_tunnel(**_):
    raise RuntimeError("Could not get share link from Gradio API Server.")


def test_failing_share_says_so_warns_without_auth_and_keeps_serving(offline_chatbot, app_args, capsys):
    blocks, local_url, share_url = app.launch(app_args("--share"), chatbot=offline_chatbot, tunnel=offline_tunnel)
    try:
        out = capsys.readouterr().out
        assert share_url is None
        assert "WARNING: --share without --auth" in out
        assert "Could not create a public share link (RuntimeError: Could not get share link" in out
        assert "still serving locally" in out and "MaeumChat engine: offline" in out
        assert _serves(local_url)
    finally:
        blocks.close()


@pytest.mark.slow  # builds the engine from the flags (seconds) while serving
def test_the_flags_build_the_engine_after_the_page_is_served_and_new_pages_get_it(app_args, tmp_path, capsys):
    # no chatbot passed: the flags build it (empty checkpoints dir → offline default); a failing share changes nothing
    blocks, local_url, share_url = app.launch(
        app_args("--share", "--checkpoints_dir", str(tmp_path)), tunnel=offline_tunnel
    )
    try:
        out = capsys.readouterr().out
        assert share_url is None and "still serving locally" in out
        assert out.index("Serving locally at") < out.index("MaeumChat engine: offline") and "s after the page)" in out
        assert _serves(local_url)
        # served before the engine was built; pages opened now get the engine in their initial values
        values = {c["props"].get("elem_id"): c["props"].get("value") for c in blocks.config["components"]}
        assert "오프라인 기본 엔진" in values["engine-banner"]
    finally:
        blocks.close()


@pytest.mark.slow  # builds or loads a whole engine, or waits on a server
def test_hanging_share_times_out_and_keeps_serving(offline_chatbot, app_args, capsys):
    never = threading.Event()

    def hanging_tunnel(**_):
        never.wait(60)  # a share server that never answers

    started = time.monotonic()
    blocks, local_url, share_url = app.launch(
        app_args("--share", "--auth", "me:pw"), chatbot=offline_chatbot, tunnel=hanging_tunnel, share_timeout_s=0.3
    )
    try:
        out = capsys.readouterr().out
        assert share_url is None and time.monotonic() - started < 30
        assert "no answer from the share server within 0.3 s" in out and "WARNING" not in out
        from gradio_client import Client

        reply = Client(local_url, auth=("me", "pw"), verbose=False).predict("안녕", 0.8, 0.9, 32, api_name="/chat")
        assert reply[0].strip()  # logged in and answered while the tunnel still hangs
    finally:
        never.set()
        blocks.close()


def test_working_share_prints_the_public_link(offline_chatbot, app_args, capsys):
    seen = {}

    def fake_tunnel(local_host, local_port, **_):
        seen.update(host=local_host, port=local_port)
        return "http://abcd1234.gradio.live"

    blocks, local_url, share_url = app.launch(
        app_args("--share", "--auth", "me:pw"), chatbot=offline_chatbot, tunnel=fake_tunnel
    )
    try:
        assert share_url == "https://abcd1234.gradio.live"
        assert "Public link: https://abcd1234.gradio.live" in capsys.readouterr().out
        assert seen == {"host": "127.0.0.1", "port": blocks.server_port}
    finally:
        blocks.close()


@pytest.mark.slow
def test_python_app_py_serves_until_stopped(app_args, tmp_path):
    """`python app.py` end to end, as `make run` starts it: the page is served first, then the engine is built and
    named once (not as a warning); it answers through the API and stops on SIGTERM."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from gradio_client import Client

    port = str(app_args().port)
    repo = Path(app.__file__).resolve().parent
    process = subprocess.Popen(
        [sys.executable, str(repo / "app.py"), "--port", port, "--checkpoints_dir", str(tmp_path / "none")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(repo)},
    )
    lines = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line or process.poll() is None, "app.py exited early:\n" + "".join(lines)
            lines.append(line)
            if "MaeumChat engine:" in line:
                break
        reply = Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
            "안녕, 오늘 기분 좋아", 0.8, 0.9, 32, api_name="/chat"
        )
        assert reply[0].strip() and set(reply[1]) == {"일상", "기쁨", "분노", "불안", "슬픔", "우울"}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            lines.append(process.communicate(timeout=30)[0])
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = "".join(lines)
    serving = output.index(f"Serving locally at http://127.0.0.1:{port}/")
    assert serving < output.index("MaeumChat engine: offline")  # the page is up before the engine is built
    assert output.count("MaeumChat engine") == 1, output  # once
    assert not any(line.startswith("WARNING") for line in output.splitlines()), output
