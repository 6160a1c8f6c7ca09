"""Files: whole and streamed transfers, the file system, and watching a directory."""

import io

from wrenn import NotFoundError, Wrenn

client = Wrenn()

with client.sandboxes.create() as sandbox:
    # [docs:whole]
    sandbox.files.write("/root/data/config.json", '{"debug": true}')  # parents are made
    print(sandbox.files.read("/root/data/config.json"))  # b'{"debug": true}'
    try:
        sandbox.files.read("/root/missing")
    except NotFoundError as e:
        print(e.code)  # file_not_found
    # [/docs:whole]

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
