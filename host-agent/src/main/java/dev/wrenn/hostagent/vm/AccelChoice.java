package dev.wrenn.hostagent.vm;

/** The accelerator the agent settled on at start-up, and why (shown in Health and the log). */
public record AccelChoice(Accel accel, String reason) {}
