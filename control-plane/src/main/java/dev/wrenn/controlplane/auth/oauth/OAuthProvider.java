package dev.wrenn.controlplane.auth.oauth;

import java.net.URI;

/**
 * One OAuth 2.0 identity provider. Adding a provider means one new implementation registered in
 * {@link OAuthProviders}; the routes, state cookie and account linking are shared.
 */
public interface OAuthProvider {
    /** The path segment in {@code /v1/auth/oauth/{provider}}. */
    String name();

    /** Where to send the browser to ask the user for consent. */
    URI authorizeUrl(String state, URI callbackUrl);

    /** Trades the authorization code for the user's identity at the provider. */
    Profile exchange(String code, URI callbackUrl) throws OAuthException;

    /** The provider's stable user id and a verified email address. */
    record Profile(String providerUserId, String email, String login) {}
}
