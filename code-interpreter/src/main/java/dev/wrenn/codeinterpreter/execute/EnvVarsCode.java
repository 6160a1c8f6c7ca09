package dev.wrenn.codeinterpreter.execute;

import dev.wrenn.guestagent.http.Json;
import java.util.Map;

/**
 * The Python run silently before and after a cell that came with env_vars: it sets them in the kernel's
 * os.environ (which the cell's subprocesses inherit too) and afterwards puts back what was there.
 * Values travel as a JSON object, which is also a valid Python dict literal of strings.
 */
public final class EnvVarsCode {
    private EnvVarsCode() {}

    public static String set(Map<String, String> env) {
        return """
                def __wrenn_env(new):
                    import os
                    old = {k: os.environ.get(k) for k in new}
                    for k, v in new.items():
                        if v is None:
                            os.environ.pop(k, None)
                        else:
                            os.environ[k] = v
                    return old
                __wrenn_saved_env = __wrenn_env(%s)
                """.formatted(Json.write(env));
    }

    public static String restore() {
        return """
                __wrenn_env(__wrenn_saved_env)
                del __wrenn_env, __wrenn_saved_env
                """;
    }
}
