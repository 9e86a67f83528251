"""Gradio chat UI — wiring only. Placeholder until the chatbot engine (chatbot/) lands."""
import sys


def main(argv=None) -> int:
    print("app.py: the chatbot engine (chatbot.Chatbot) is not built yet; nothing to serve.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
