package dev.wrenn.sdk.code;

/** The exception a cell raised: its class name, its value (message) and the traceback, lines joined by newlines. */
public record CodeError(String name, String value, String traceback) {}
