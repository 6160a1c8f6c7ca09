"""Templates: build one from a recipe, start sandboxes from it, save a sandbox as a template."""

import pathlib

from wrenn import Wrenn

client = Wrenn()
context = pathlib.Path(__file__).parent / "build-context"  # a Dockerfile and greet.py

# [docs:build]
build = client.builds.start("greeter", context=context)  # the recipe is context/Dockerfile
build = client.builds.wait(build.id, on_log=lambda entry: print(entry.kind, entry.text))
print(build.status, build.steps_cached, build.steps_run)  # ready ...

with client.sandboxes.create("greeter") as sandbox:  # starts in about a second
    print(sandbox.commands.run("python3 /srv/app/greet.py").stdout, end="")  # hello from a template
# [/docs:build]

# [docs:logs]
for entry in client.builds.logs(build.id, follow=True):  # NDJSON, until the build's end
    print(entry.seq, entry.kind, entry.line, entry.text)

slow = client.builds.start("never-mind", "FROM minimal\nRUN sleep 600\n")
print(client.builds.cancel(slow.id).status)  # cancelled
# [/docs:logs]

# [docs:snapshot]
with client.sandboxes.create("greeter") as sandbox:
    sandbox.files.write("/root/state.txt", "prepared\n")
    template = sandbox.snapshot("greeter-prepared", overwrite=True)  # the sandbox itself is gone now
print(template.name, template.type, template.size_bytes)

for t in client.templates.list(type="snapshot"):
    print(t.name, t.vcpus, t.memory_mb)
client.templates.delete("greeter-prepared")
client.templates.delete("greeter")
# [/docs:snapshot]
