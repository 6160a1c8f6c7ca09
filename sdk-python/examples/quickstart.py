"""Quick start: a sandbox, a command in it, a file in and out; the sandbox is destroyed at the end."""

from wrenn import Wrenn

client = Wrenn()  # WRENN_API_KEY, and WRENN_URL (default http://localhost:8080)

with client.sandboxes.create() as sandbox:
    result = sandbox.commands.run("python3 -c 'print(6 * 7)'")
    print(result.stdout, end="")  # 42
    assert result.exit_code == 0

    sandbox.files.write("/root/hello.txt", "hello from the SDK\n")
    print(sandbox.files.read_text("/root/hello.txt"), end="")
# Leaving the block destroyed the sandbox.
