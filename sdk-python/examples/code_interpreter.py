"""The code interpreter: Python cells with state, streamed output, results and errors."""

from wrenn import DeadlineExceededError, Wrenn

client = Wrenn()

with client.sandboxes.create("code-interpreter-v1") as sandbox:
    # [docs:cells]
    execution = sandbox.run_code("x = 6 * 7\nprint('computing')\nx")
    print(execution.text)  # 42: the cell's value
    print(execution.stdout)  # ['computing\n']
    print(sandbox.run_code("x + 1").text)  # 43: state carries over

    failed = sandbox.run_code("1 / 0")
    print(failed.error.name, failed.error.value)  # ZeroDivisionError division by zero
    # [/docs:cells]

    # [docs:streamed]
    sandbox.run_code(
        "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.2)",
        on_stdout=lambda text: print("out:", text, end=""),
        on_result=lambda result: print("result:", result.text),
    )
    try:
        sandbox.run_code("import time\ntime.sleep(60)", timeout_sec=2)
    except DeadlineExceededError as e:
        print(e.code)  # execution_timeout (the cell was interrupted; state stays)
    # [/docs:streamed]
