"""`qa chat`: a REPL with line editing, history, follow-ups and numbered citations."""

from __future__ import annotations

from rich.console import Console

from qa.answers import Answer
from qa.config import Mode
from qa.render import print_answer, print_passage
from qa.service import QAService

HELP = "/sources N  show passage N in full · /k N  passages per answer · /mode hybrid|dense|lexical · /clear  forget the conversation · /quit"
MODES = ("hybrid", "dense", "lexical")


def _enable_line_editing(history_file: str) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return
    try:
        readline.read_history_file(history_file)
    except OSError:
        pass
    readline.set_history_length(1000)
    import atexit

    atexit.register(lambda: _save_history(readline, history_file))


def _save_history(readline, history_file: str) -> None:  # noqa: ANN001
    try:
        readline.write_history_file(history_file)
    except OSError:
        pass


class ChatLoop:
    def __init__(self, service: QAService, console: Console, *, k: int | None = None, mode: Mode | None = None) -> None:
        self.service = service
        self.console = console
        self.k = k or service.settings.k
        self.mode: Mode = mode or service.settings.mode
        self.history: list[str] = []
        self.last: Answer | None = None

    def run(self) -> None:
        data_dir = self.service.settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        _enable_line_editing(str(data_dir / "chat_history"))
        self.console.print(f"[dim]Ask about the indexed articles. {HELP}[/dim]")
        while True:
            try:
                line = input("? ").strip()
            except (EOFError, KeyboardInterrupt):
                self.console.print()
                return
            if not line:
                continue
            if line.startswith("/"):
                if not self.command(line):
                    return
                continue
            self.last = self.service.ask(line, k=self.k, mode=self.mode, history=self.history)
            self.history.append(line)
            print_answer(self.console, self.last, excerpt=240)

    def command(self, line: str) -> bool:
        """Run a slash command; False means quit."""
        name, _, arg = line.partition(" ")
        arg = arg.strip()
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/clear":
            self.history.clear()
            self.last = None
            self.console.print("[dim]conversation cleared[/dim]")
        elif name == "/k" and arg.isdigit() and 1 <= int(arg) <= 50:
            self.k = int(arg)
            self.console.print(f"[dim]k = {self.k}[/dim]")
        elif name == "/mode" and arg in MODES:
            self.mode = arg  # type: ignore[assignment]
            self.console.print(f"[dim]mode = {self.mode}[/dim]")
        elif name == "/sources" and arg.isdigit():
            self.show_source(int(arg))
        else:
            self.console.print(f"[dim]{HELP}[/dim]")
        return True

    def show_source(self, n: int) -> None:
        if self.last is None or not 1 <= n <= len(self.last.passages):
            self.console.print(f"[red]no source [{n}] in the last answer[/red]")
            return
        print_passage(self.console, self.last.passages[n - 1])
