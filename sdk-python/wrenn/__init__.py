"""Wrenn's Python SDK: microVM sandboxes for untrusted code, over Wrenn's REST and WebSocket API.

    from wrenn import Wrenn

    client = Wrenn()  # WRENN_API_KEY, WRENN_URL
    with client.sandboxes.create() as sandbox:
        print(sandbox.commands.run("echo hello").stdout)

Only the standard library is used. See docs/sdk-python.md.
"""

__version__ = "0.1.0"

from .client import Wrenn  # noqa: E402
from .code import CodeError, CodeExecution, CodeResult  # noqa: E402
from .commands import Commands, CommandStream  # noqa: E402
from .errors import (  # noqa: E402
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DeadlineExceededError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitError,
    ServerError,
    StreamError,
    WebSocketError,
    WrennError,
)
from .files import FileReader, Files, Watch  # noqa: E402
from .models import (  # noqa: E402
    BuildLogLine,
    CommandResult,
    FsEntry,
    Metric,
    NetworkPolicy,
    OutputEvent,
    ProcessInfo,
    SandboxInfo,
    SandboxPage,
    Template,
    TemplateBuild,
    WatchEvent,
)
from .processes import Process, Processes, ProcessStream  # noqa: E402
from .sandboxes import Sandbox, Sandboxes  # noqa: E402
from .templates import Builds, Templates  # noqa: E402
from .terminal import Terminal  # noqa: E402

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BuildLogLine",
    "Builds",
    "CodeError",
    "CodeExecution",
    "CodeResult",
    "CommandResult",
    "CommandStream",
    "Commands",
    "ConflictError",
    "DeadlineExceededError",
    "FileReader",
    "Files",
    "FsEntry",
    "Metric",
    "NetworkPolicy",
    "NotFoundError",
    "OutputEvent",
    "PayloadTooLargeError",
    "Process",
    "ProcessInfo",
    "ProcessStream",
    "Processes",
    "RateLimitError",
    "Sandbox",
    "SandboxInfo",
    "SandboxPage",
    "Sandboxes",
    "ServerError",
    "StreamError",
    "Template",
    "TemplateBuild",
    "Templates",
    "Terminal",
    "Watch",
    "WatchEvent",
    "WebSocketError",
    "Wrenn",
    "WrennError",
]
