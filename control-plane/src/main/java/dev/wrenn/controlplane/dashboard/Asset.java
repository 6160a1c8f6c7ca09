package dev.wrenn.controlplane.dashboard;

/**
 * One file of the dashboard, held in memory as it is and gzip-compressed (the whole dashboard is a few hundred
 * KiB), with a strong validator made from its content.
 */
record Asset(String path, String contentType, byte[] bytes, byte[] gzip, String etag) {}
