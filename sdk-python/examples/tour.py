"""A tour of one sandbox: create it with options, list it, run commands and processes in it, open a terminal,
move files in and out, watch a directory, pause and resume it, and handle the API's errors."""

import io
import sys

from wrenn import ConflictError, NotFoundError, Wrenn

client = Wrenn()

# [docs:create]
sandbox = client.sandboxes.create(
    "minimal",  # the template (the default)
    vcpus=1,
    memory_mb=512,
    metadata={"app": "docs-example", "owner": "sdk"},
    env_vars={"GREETING": "hi"},  # every process in it sees these; never stored
    ttl_sec=600,  # ends 10 minutes after it starts...
    on_timeout="pause",  # ...by pausing (the default is "kill")
    timeout_sec=300,  # and auto-pauses after 5 minutes without activity
)
print(sandbox.id, sandbox.status, sandbox.info.end_at)
# [/docs:create]

try:
    # [docs:list]
    for info in client.sandboxes.list(status="running", metadata={"app": "docs-example"}):
        print(info.id, info.template, info.metadata)

    page = client.sandboxes.list_page(limit=10)
    while page.next_cursor is not None:
        page = client.sandboxes.list_page(limit=10, cursor=page.next_cursor)
    # [/docs:list]

    # [docs:run]
    result = sandbox.commands.run("ls / | wc -l")  # a shell command line
    print(result.stdout.strip(), result.exit_code)

    result = sandbox.commands.run("python3", ["-c", "import sys; print(sys.argv[1:])", "a b"])  # a program
    print(result.stdout, end="")  # ['a b']

    result = sandbox.commands.run("echo $NAME in $(pwd) as $(whoami)", env={"NAME": "x"}, cwd="/tmp", user="user")
    print(result.stdout, end="")  # x in /tmp as user

    slow = sandbox.commands.run("sleep 10", timeout=1)
    print(slow.timed_out, slow.exit_code)  # True -1
    # [/docs:run]

    # [docs:stream]
    result = sandbox.commands.run(
        "for i in 1 2 3; do echo step $i; sleep 0.2; done; echo done >&2",
        on_stdout=lambda text: print("out:", text, end=""),
        on_stderr=lambda text: print("err:", text, end="", file=sys.stderr),
    )
    print(result.exit_code)

    with sandbox.commands.stream("read name; echo hello $name") as stream:
        stream.send_stdin("wrenn\n")
        for event in stream:  # start, stdout, stderr, exit
            if event.type == "stdout":
                print(event.text, end="")  # hello wrenn
            elif event.type == "exit":
                print("exit code", event.exit_code)
    # [/docs:stream]

    # [docs:processes]
    server = sandbox.processes.start("python3 -m http.server 8000", tag="web", cwd="/tmp")
    print([(p.pid, p.tag) for p in sandbox.processes.list()])

    worker = sandbox.processes.start("read line; echo got $line; exit 3", stdin=True)
    with worker.attach() as stream:  # its output from now on
        worker.send_stdin("work\n")
        for event in stream:
            if event.type == "stdout":
                print(event.text, end="")  # got work
    print(stream.exit_code, worker.info().exit_code)  # 3 3: the exit is remembered

    server.signal("SIGTERM")
    print(server.wait(timeout=30))  # 143: 128 + SIGTERM
    # [/docs:processes]

    # [docs:terminal]
    with sandbox.terminal(cols=120, rows=40) as term:
        term.send("echo $((6 * 7))\n")
        screen = term.read_until("42", timeout=30)  # the echo of the typed line, the prompt, then 42
        print(screen.decode(errors="replace"))
        term.resize(100, 30)
        term.send("exit 0\n")
        print(term.wait(timeout=30))  # 0
    # [/docs:terminal]

    # [docs:files]
    sandbox.files.write("/root/data/config.json", '{"debug": true}')  # parents are made
    print(sandbox.files.read("/root/data/config.json"))  # b'{"debug": true}'
    try:
        sandbox.files.read("/root/missing")
    except NotFoundError as e:
        print(e.code)  # file_not_found
    # [/docs:files]

    # [docs:streams]
    big = io.BytesIO(b"x" * (8 * 1024 * 1024))  # any binary file object: open(path, "rb"), ...
    sandbox.files.write_stream("/root/big.bin", big)
    sandbox.files.write_stream("/root/lines.txt", (f"line {i}\n".encode() for i in range(100)))

    with sandbox.files.read_stream("/root/big.bin") as remote:
        total = sum(len(chunk) for chunk in remote.chunks())
    print(total)  # 8388608
    with sandbox.files.read_stream("/root/lines.txt") as remote:
        print(remote.readline())  # b'line 0\n'
    # [/docs:streams]

    # [docs:filesystem]
    sandbox.files.mkdir("/root/project/src")
    sandbox.files.write("/root/project/src/main.py", "print('hi')\n")
    for entry in sandbox.files.list("/root/project", depth=2):
        print(entry.type, entry.path, entry.size)
    print(sandbox.files.stat("/root/project/src/main.py").permissions)  # -rw-r--r--
    sandbox.files.move("/root/project/src/main.py", "/root/project/app.py")
    print(sandbox.files.exists("/root/project/src/main.py"))  # False
    sandbox.files.remove("/root/project")
    # [/docs:filesystem]

    # [docs:watch]
    sandbox.files.mkdir("/root/inbox")
    with sandbox.files.watch("/root/inbox", recursive=True) as watch:
        sandbox.commands.run("touch /root/inbox/a.txt && rm /root/inbox/a.txt")
        for event in watch:
            print(event.type, event.name)  # create a.txt, ..., remove a.txt
            if event.type == "remove":
                break
    # [/docs:watch]

    # [docs:lifecycle]
    sandbox.commands.run("echo 'still here' > /root/note")
    sandbox.pause()  # memory, processes and disk are saved; the VM stops
    try:
        sandbox.commands.run("true")
    except ConflictError as e:
        print(e.code)  # sandbox_not_running
    sandbox.resume()  # back exactly as it was
    print(sandbox.files.read_text("/root/note"), end="")

    sandbox.set_timeout(3600)  # now ends an hour from now
    again = client.sandboxes.get(sandbox.id)  # the same sandbox, by id
    print(again.status)  # running
    # [/docs:lifecycle]
finally:
    sandbox.destroy()

# [docs:errors]
try:
    client.sandboxes.get("sb-doesnotexist")
except NotFoundError as e:
    print(e.status, e.code, e.message)  # 404 not_found sandbox 'sb-doesnotexist' not found
# [/docs:errors]
