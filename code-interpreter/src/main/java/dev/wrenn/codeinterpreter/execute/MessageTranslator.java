package dev.wrenn.codeinterpreter.execute;

import dev.wrenn.codeinterpreter.jupyter.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Jupyter messages of one execute_request turned into E2B's output events, as E2B's server maps them.
 * The request is over once both its iopub status has gone idle and its shell reply has come: they travel on
 * different connections, so either may be seen first, while all output precedes idle on iopub.
 * Not thread-safe: {@link Execution} feeds it from one reader at a time.
 */
final class MessageTranslator {
    /** The reason given to executions cut short by a restart; reported as E2B's ContextRestarting. */
    static final String RESTARTED = "Context was restarted";

    private boolean idle;
    private boolean replied;
    private boolean errored;
    private String replyStatus;

    /** The events {@code m} stands for, often none (status, comm and other bookkeeping messages). */
    List<OutputEvent> accept(Message m) {
        var out = new ArrayList<OutputEvent>(1);
        Map<String, Object> c = m.content();
        switch (m.type() == null ? "" : m.type()) {
            case "stream" -> {
                String text = string(c, "text");
                if ("stderr".equals(c.get("name"))) out.add(new OutputEvent.Stderr(text, m.date()));
                else out.add(new OutputEvent.Stdout(text, m.date()));
            }
            case "execute_input" -> {
                if (c.get("execution_count") instanceof Number n)
                    out.add(new OutputEvent.ExecutionCount(n.longValue()));
            }
            case "execute_result" -> out.add(result(c, true));
            case "display_data" -> out.add(result(c, false));
            case "error" -> error(c, out);
            case "execute_reply" -> {
                replied = true;
                replyStatus = string(c, "status");
                // The error itself comes on iopub; the reply carries it too, and whichever is first is shown.
                if ("error".equals(replyStatus)) error(c, out);
                if ("aborted".equals(replyStatus) || "abort".equals(replyStatus)) {
                    out.add(new OutputEvent.Error("ExecutionAborted", "Execution was aborted", ""));
                }
            }
            case "status" -> idle |= "idle".equals(c.get("execution_state"));
            default -> {
                // clear_output, update_display_data, comm_*: nothing the E2B protocol carries
            }
        }
        return out;
    }

    boolean over() {
        return idle && replied;
    }

    /** execute_reply's status: ok, error or aborted; null before the reply. */
    String replyStatus() {
        return replyStatus;
    }

    /** The kernel went away before the end: the error that tells the client why. */
    static OutputEvent.Error closed(String reason) {
        String name = RESTARTED.equals(reason) ? "ContextRestarting" : "KernelExited";
        return new OutputEvent.Error(name, reason, "");
    }

    /**
     * One error per execution, as in E2B. The traceback's entries are joined with newlines, as Jupyter's
     * own front ends show them (E2B's server joins them with nothing, which runs the lines together).
     */
    private void error(Map<String, Object> c, List<OutputEvent> out) {
        if (errored) return;
        errored = true;
        String traceback = c.get("traceback") instanceof List<?> lines
                ? String.join("\n", lines.stream().map(String::valueOf).toList())
                : "";
        out.add(new OutputEvent.Error(string(c, "ename"), string(c, "evalue"), traceback));
    }

    @SuppressWarnings("unchecked")
    private static OutputEvent result(Map<String, Object> c, boolean main) {
        Map<String, Object> data = c.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of();
        return new OutputEvent.Result(MimeBundle.toFields(data), main);
    }

    private static String string(Map<String, Object> c, String key) {
        return c.get(key) instanceof String s ? s : "";
    }
}
