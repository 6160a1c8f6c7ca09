"""Commands, background processes and a terminal in one sandbox."""

import sys

from wrenn import Wrenn

client = Wrenn()

with client.sandboxes.create() as sandbox:
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
