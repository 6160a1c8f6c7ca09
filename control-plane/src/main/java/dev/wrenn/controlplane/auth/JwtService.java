package dev.wrenn.controlplane.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/** HS256 session tokens, valid for six hours, carrying the user, their team and email. */
public final class JwtService {
    public static final Duration VALIDITY = Duration.ofHours(6);
    private static final String ISSUER = "wrenn";

    private final byte[] secret;
    private final Clock clock;

    public JwtService(byte[] secret, Clock clock) {
        if (secret.length < 32) throw new IllegalArgumentException("JWT secret must be at least 256 bits");
        this.secret = secret.clone();
        this.clock = clock;
    }

    public String issue(String userId, String teamId, String email) {
        Instant now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId)
                .claim("team_id", teamId)
                .claim("email", email)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(VALIDITY)))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a JWT failed", e);
        }
        return jwt.serialize();
    }

    /** The session a token stands for, or empty when it is malformed, forged, expired or not ours. */
    public Optional<Session> verify(String token) {
        try {
            var jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) return Optional.empty();
            if (!jwt.verify(new MACVerifier(secret))) return Optional.empty();
            var claims = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(claims.getIssuer())) return Optional.empty();
            var exp = claims.getExpirationTime();
            if (exp == null || !exp.toInstant().isAfter(clock.instant())) return Optional.empty();
            var team = claims.getStringClaim("team_id");
            if (claims.getSubject() == null || team == null) return Optional.empty();
            return Optional.of(new Session(claims.getSubject(), team, claims.getStringClaim("email")));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public record Session(String userId, String teamId, String email) {}
}
