"""Sandboxes: create with options, list and filter, pause and resume, time-to-live, errors."""

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
