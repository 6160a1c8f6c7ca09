package dev.wrenn.codeinterpreter.jupyter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** How to start a kernel: interpreter, working directory, extra environment, how long it may take to answer. */
public record KernelSpec(String python, Path cwd, Map<String, String> env, Duration startTimeout) {}
