package dev.wrenn.codeinterpreter.execute;

import java.util.LinkedHashMap;
import java.util.Map;

/** One line of the /execute stream: E2B's output types, as the SDKs parse them. */
public sealed interface OutputEvent {
    Map<String, Object> toJson();

    record Stdout(String text, String timestamp) implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            return log("stdout", text, timestamp);
        }
    }

    record Stderr(String text, String timestamp) implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            return log("stderr", text, timestamp);
        }
    }

    /** A MIME bundle already mapped to E2B's keys (see {@link MimeBundle}). */
    record Result(Map<String, Object> fields, boolean mainResult) implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            var m = typed("result");
            m.putAll(fields);
            m.put("is_main_result", mainResult);
            return m;
        }
    }

    record Error(String name, String value, String traceback) implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            var m = typed("error");
            m.put("name", name);
            m.put("value", value);
            m.put("traceback", traceback);
            return m;
        }
    }

    record ExecutionCount(long count) implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            var m = typed("number_of_executions");
            m.put("execution_count", count);
            return m;
        }
    }

    /** The last line of every stream, also after an error: the SDKs read until the body ends. */
    record EndOfExecution() implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            return typed("end_of_execution");
        }
    }

    /**
     * Written when nothing else has been for a while: writing is the only way to notice that the
     * client went away (and interrupt its code). The SDKs ignore types they do not know.
     */
    record Keepalive() implements OutputEvent {
        @Override
        public Map<String, Object> toJson() {
            return typed("keepalive");
        }
    }

    private static Map<String, Object> log(String type, String text, String timestamp) {
        var m = typed(type);
        m.put("text", text);
        m.put("timestamp", timestamp);
        return m;
    }

    private static LinkedHashMap<String, Object> typed(String type) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", type);
        return m;
    }
}
