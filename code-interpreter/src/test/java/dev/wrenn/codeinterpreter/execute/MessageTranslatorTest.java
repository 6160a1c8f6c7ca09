package dev.wrenn.codeinterpreter.execute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.codeinterpreter.jupyter.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an ipykernel says about one execute_request, and the E2B events that become of it. */
class MessageTranslatorTest {
    private final MessageTranslator t = new MessageTranslator();

    private static Message msg(String type, Map<String, Object> content) {
        return new Message(
                Map.of("msg_id", "k1", "msg_type", type, "date", "2026-02-03T04:05:06.000007Z"),
                Map.of("msg_id", "r1"),
                Map.of(),
                content);
    }

    @Test
    void aCellThatPrintsAndReturns() {
        assertThat(t.accept(msg("status", Map.of("execution_state", "busy")))).isEmpty();
        assertThat(t.accept(msg("execute_input", Map.of("code", "print(1); 2", "execution_count", 3L))))
                .containsExactly(new OutputEvent.ExecutionCount(3));
        assertThat(t.accept(msg("stream", Map.of("name", "stdout", "text", "1\n"))))
                .containsExactly(new OutputEvent.Stdout("1\n", "2026-02-03T04:05:06.000007Z"));
        assertThat(t.accept(msg("stream", Map.of("name", "stderr", "text", "w\n"))))
                .containsExactly(new OutputEvent.Stderr("w\n", "2026-02-03T04:05:06.000007Z"));
        assertThat(t.accept(msg("execute_result", Map.of("data", Map.of("text/plain", "2"), "execution_count", 3L))))
                .containsExactly(new OutputEvent.Result(Map.of("text", "2", "extra", Map.of()), true));
        assertThat(t.over()).isFalse();
        assertThat(t.accept(msg("status", Map.of("execution_state", "idle")))).isEmpty();
        assertThat(t.over()).as("idle without the reply").isFalse();
        assertThat(t.accept(msg("execute_reply", Map.of("status", "ok")))).isEmpty();
        assertThat(t.over()).isTrue();
        assertThat(t.replyStatus()).isEqualTo("ok");
    }

    @Test
    void theReplyMayComeBeforeIdle() {
        t.accept(msg("execute_reply", Map.of("status", "ok")));
        assertThat(t.over()).isFalse();
        t.accept(msg("status", Map.of("execution_state", "idle")));
        assertThat(t.over()).isTrue();
    }

    @Test
    void displayDataIsNotTheMainResult() {
        List<OutputEvent> events = t.accept(msg("display_data", Map.of("data", Map.of("image/png", "iVBO"))));
        assertThat(events).containsExactly(new OutputEvent.Result(Map.of("png", "iVBO", "extra", Map.of()), false));
    }

    @Test
    void anErrorIsReportedOnceWhicheverChannelCarriesItFirst() {
        Map<String, Object> error = Map.of(
                "ename", "ZeroDivisionError",
                "evalue", "division by zero",
                "traceback", List.of("---", "ZeroDivisionError: division by zero"));
        assertThat(t.accept(msg("error", error)))
                .containsExactly(new OutputEvent.Error(
                        "ZeroDivisionError", "division by zero", "---\nZeroDivisionError: division by zero"));
        var reply = new java.util.HashMap<>(error);
        reply.put("status", "error");
        assertThat(t.accept(msg("execute_reply", reply))).isEmpty();
        assertThat(t.replyStatus()).isEqualTo("error");

        var other = new MessageTranslator();
        assertThat(other.accept(msg("execute_reply", reply)))
                .singleElement()
                .isInstanceOfSatisfying(
                        OutputEvent.Error.class, e -> assertThat(e.name()).isEqualTo("ZeroDivisionError"));
        assertThat(other.accept(msg("error", error))).isEmpty();
    }

    @Test
    void anAbortedRequestIsAnExecutionAbortedError() {
        assertThat(t.accept(msg("execute_reply", Map.of("status", "aborted"))))
                .containsExactly(new OutputEvent.Error("ExecutionAborted", "Execution was aborted", ""));
        assertThat(t.replyStatus()).isEqualTo("aborted");
    }

    @Test
    void bookkeepingMessagesAndMessagesWithoutTypeGiveNothing() {
        assertThat(t.accept(msg("clear_output", Map.of("wait", false)))).isEmpty();
        assertThat(t.accept(msg("comm_open", Map.of()))).isEmpty();
        assertThat(t.accept(new Message(Map.of(), Map.of(), Map.of(), Map.of())))
                .isEmpty();
        assertThat(t.over()).isFalse();
    }

    @Test
    void aKernelThatGoesAwayEndsTheExecutionWithAReason() {
        assertThat(MessageTranslator.closed(MessageTranslator.RESTARTED))
                .isEqualTo(new OutputEvent.Error("ContextRestarting", "Context was restarted", ""));
        assertThat(MessageTranslator.closed("the kernel went away").name()).isEqualTo("KernelExited");
    }
}
