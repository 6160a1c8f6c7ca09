/**
 * The SDK's plumbing: one HTTP client, JSON, the error envelope, query strings, multipart bodies, NDJSON and
 * WebSockets. Public only because the feature packages use it; not part of the SDK's API, and it may change
 * without notice.
 */
package dev.wrenn.sdk.http;
