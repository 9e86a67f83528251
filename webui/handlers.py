"""What the page's events do. One conversation per browser tab (`chatbot.transcript`) is the single source of the
chat, the emotion bars, the timeline, the help banner and the download: every event (send, example, retry, undo,
clear, reload) derives all of them from it. `/chat` and `/chat_stream` answer API callers in their own session's
conversation.

No `from __future__ import annotations` here: Gradio finds a handler's `gr.RetryData`/`gr.UndoData`/`gr.LikeData`
parameter from its type hints, which must therefore resolve at run time.
"""

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import anyio
import gradio as gr

from chatbot import transcript
from chatbot.licences import licence_notice
from chatbot.plots import emotion_bars_html, emotion_timeline_html
from generator.responder import GenerationOptions

if TYPE_CHECKING:
    import anyio

    from chatbot import Chatbot, Reply
    from chatbot.feedback import FeedbackStore

STREAM_INTERVAL_S = 0.08  # a streamed reply is shown at most this often: a few tokens per update reads as smoothly
# as one, and an engine that answers at once (offline) sends one update, not one per word
SLIDERS = {  # option → (label, minimum, maximum, step, value when the engine has no default for it: the API's
    #             documented default, the generator's own decoding default in the README); shown only where they act
    "temperature": ("temperature (높을수록 다양한 답)", 0.1, 1.5, 0.05, 0.7),
    "top_p": ("top-p (낮을수록 무난한 답)", 0.1, 1.0, 0.05, 0.9),
    "max_new_tokens": ("max new tokens (답 길이 상한)", 8, 128, 8, 48),
}
RENDERED = ("chat_view", "emotion_bars", "emotion_plot", "help_banner", "transcript_box", "conversation_state")
# what `render` fills, in this order: the names of the page's components (`layout.Page.rendered`)
RATINGS: dict[bool | str, str] = {True: "like", False: "dislike"}  # a 👍/👎; "" (the vote was taken back) has none
Updates = tuple[Any, ...]  # one value or `gr.update`/`gr.skip` per output of an event


def engine_banner(chatbot: "Chatbot") -> str:
    return f"**엔진:** {chatbot.description} (`{chatbot.engine}`)"


def slider_defaults(chatbot: "Chatbot") -> dict[str, Any]:
    """The slider options this engine acts on, at its defaults ({} offline: the sliders are hidden)."""
    return {name: value for name, value in chatbot.generation_defaults.items() if name in SLIDERS}


def timeline_html(conversation: dict) -> str:  # the revision tells a page (and a test) that an answer arrived
    timeline = emotion_timeline_html(transcript.turn_scores(conversation))
    return f'<div data-revision="{conversation["revision"]}">{timeline}</div>'


def message_index(index: int | tuple[int, int]) -> int:
    """A chat event's message index (Gradio types it as a pair as well)."""
    return index[0] if isinstance(index, (list, tuple)) else index


class ChatHandlers:
    """The event handlers of one page. `engine` gives the `Chatbot` (the page is usable before it is done);
    `feedback` stores 👍/👎; `concurrency_limit` caps the /chat replies computed at once."""

    def __init__(
        self, engine: "Future[Chatbot]", feedback: "FeedbackStore | None", concurrency_limit: int | None
    ) -> None:
        self.engine = engine
        self.feedback = feedback
        self.concurrency_limit = concurrency_limit
        self.api_limiter: anyio.CapacityLimiter | None = None  # made on first use: an anyio limiter belongs to the
        # server's event loop

    def sampling_options(self, values: Sequence[Any]) -> dict[str, Any]:
        """Only the options this engine acts on ({} offline: its sliders are hidden and nothing is passed)."""
        shown = slider_defaults(self.engine.result())
        chosen = {name: value for name, value in zip(SLIDERS, values, strict=True) if name in shown}
        if chosen.get("max_new_tokens") is not None:  # an API caller's 50.5 tokens: the whole part, as the slider
            chosen["max_new_tokens"] = int(chosen["max_new_tokens"])
        return GenerationOptions.of(chosen).given()

    def render(self, conversation: dict) -> Updates:
        """Everything on the page that follows the conversation (the order of `RENDERED`)."""
        return (
            transcript.display(conversation),
            emotion_bars_html(transcript.latest_scores(conversation)),
            timeline_html(conversation),
            gr.update(visible=conversation["care"]),
            transcript.transcript_text(conversation),
            conversation,
        )

    def answer(self, conversation: dict, message: str, options: dict[str, Any]) -> "Iterator[str | Reply]":
        """The reply to `message`: the text so far (at most once per STREAM_INTERVAL_S while it grows), then the
        final `Reply`."""
        text, shown_at = "", time.monotonic()
        for item in self.engine.result().stream(message, transcript.history(conversation), **options):
            if not isinstance(item, str):
                yield item
            elif item:
                text += item
                if time.monotonic() - shown_at >= STREAM_INTERVAL_S:
                    shown_at = time.monotonic()
                    yield text

    def send(self, message: Any, conversation: Any, *slider_values: Any) -> Iterator[Updates]:
        conversation = transcript.as_conversation(conversation)
        if not isinstance(message, str) or not message.strip():  # nothing typed: nothing is sent, nothing changes
            yield (gr.skip(),) * (len(RENDERED) + 1)  # the rendered outputs and the textbox
            return
        yield from self.turn_events(conversation, message, slider_values, clear_textbox=True)

    def send_example(self, example: str, conversation: Any, *slider_values: Any) -> Iterator[Updates]:
        conversation = transcript.as_conversation(conversation)
        yield from self.turn_events(conversation, example, slider_values, clear_textbox=False)

    def turn_events(
        self, conversation: dict, message: str, slider_values: Sequence[Any], clear_textbox: bool
    ) -> Iterator[Updates]:
        """The page during one turn: the message shows at once (even while the engine is still being built), the
        reply grows, then everything follows it."""
        textbox = gr.update(value="") if clear_textbox else gr.skip()
        unchanged = (gr.skip(),) * (len(RENDERED) - 1)
        yield transcript.display(conversation, pending=message), *unchanged, textbox
        for item in self.answer(conversation, message, self.sampling_options(slider_values)):
            if isinstance(item, str):
                yield transcript.display(conversation, pending=message, partial=item), *unchanged, gr.skip()
            else:
                yield *self.render(transcript.add_turn(conversation, transcript.make_turn(message, item))), gr.skip()

    def retry(self, retry_data: gr.RetryData, conversation: Any, *slider_values: Any) -> Iterator[Updates]:
        conversation = transcript.as_conversation(conversation)
        turn = message_index(retry_data.index) // 2  # one user and one bot message per turn
        if turn >= len(conversation["turns"]):
            yield *self.render(conversation), gr.skip()
            return
        message, earlier = conversation["turns"][turn]["message"], transcript.truncate(conversation, turn)
        yield from self.turn_events(earlier, message, slider_values, clear_textbox=False)

    def undo(self, conversation: Any, undo_data: gr.UndoData) -> Updates:
        conversation = transcript.as_conversation(conversation)
        turn = message_index(undo_data.index) // 2
        if turn >= len(conversation["turns"]):
            return *self.render(conversation), gr.skip()
        message = conversation["turns"][turn]["message"]
        return *self.render(transcript.truncate(conversation, turn)), message  # the message goes back into the box

    def clear(self) -> Updates:
        return *self.render(transcript.new_conversation()), ""

    def restore(self, conversation: Any) -> Updates:
        """On page load: the conversation this browser kept, if any (a fresh page is left as it is, so a message
        sent in the first moment is not wiped)."""
        conversation = transcript.as_conversation(conversation)
        return self.render(conversation) if conversation["turns"] else (gr.skip(),) * len(RENDERED)

    def rate(self, conversation: Any, like_data: gr.LikeData) -> None:
        conversation = transcript.as_conversation(conversation)
        index = message_index(like_data.index)
        turn = index // 2
        if self.feedback is None or index % 2 != 1 or turn >= len(conversation["turns"]):
            return  # not one of this conversation's replies (the page was out of date)
        entry = conversation["turns"][turn]
        self.feedback.rate(
            conversation["id"],
            turn,
            entry["message"],
            entry["reply"],
            entry["emotion"],
            entry["scores"],
            entry["engine"],
            RATINGS.get(like_data.liked),
        )

    def api_result(self, conversation: dict, message: str, reply: "Reply") -> Updates:
        shown = transcript.shown_reply(reply.text, reply.note)
        if not reply.scores:  # an empty message: answered, but not a turn of the conversation
            return shown, {}, transcript.turn_scores(conversation), conversation
        final = transcript.add_turn(conversation, transcript.make_turn(message, reply))
        return shown, final["turns"][-1]["scores"], transcript.turn_scores(final), final

    def chat_now(
        self, message: str, temperature: float, top_p: float, max_new_tokens: int, conversation: Any
    ) -> Updates:
        conversation = transcript.as_conversation(conversation)
        options = self.sampling_options((temperature, top_p, max_new_tokens))
        reply = self.engine.result().reply(message or "", transcript.history(conversation), **options)
        return self.api_result(conversation, message or "", reply)

    async def chat(
        self, message: str, temperature: float, top_p: float, max_new_tokens: int, conversation: Any
    ) -> Updates:
        """Reply to `message` in this session's conversation. Returns the reply, the emotion scores of the message,
        and the emotion scores of every turn so far (the timeline, turn 1 first). The sampling options act only
        on an engine that samples (the KoGPT2 generator); the offline engine ignores them."""
        if self.concurrency_limit and self.api_limiter is None:
            self.api_limiter = anyio.CapacityLimiter(self.concurrency_limit)
        # at most `concurrency_limit` replies at once; the others wait without holding one of the server's threads
        return await anyio.to_thread.run_sync(
            self.chat_now, message, temperature, top_p, max_new_tokens, conversation, limiter=self.api_limiter
        )

    def chat_stream(
        self, message: str, temperature: float, top_p: float, max_new_tokens: int, conversation: Any
    ) -> Iterator[Updates]:
        """As /chat, with the reply streamed: the text so far, then the final result."""
        conversation = transcript.as_conversation(conversation)
        options = self.sampling_options((temperature, top_p, max_new_tokens))
        for item in self.answer(conversation, message or "", options):
            if isinstance(item, str):
                yield item, gr.skip(), gr.skip(), gr.skip()
            else:
                yield self.api_result(conversation, message or "", item)

    def engine_ready(self) -> Updates:
        """Once the engine is built (page load): its banner, and the sliders where they act, at its defaults."""
        chatbot = self.engine.result()
        defaults = slider_defaults(chatbot)
        return (
            engine_banner(chatbot),
            licence_notice(chatbot) or "",
            gr.update(visible=bool(defaults)),
            *(
                gr.update(visible=name in defaults, value=defaults.get(name))
                if name in defaults
                else gr.update(visible=False)
                for name in SLIDERS
            ),
        )
