package dev.wrenn.sdk.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.sdk.AuthException;
import dev.wrenn.sdk.BadRequestException;
import dev.wrenn.sdk.ConflictException;
import dev.wrenn.sdk.NotFoundException;
import dev.wrenn.sdk.RateLimitedException;
import dev.wrenn.sdk.ServerException;
import dev.wrenn.sdk.ServerTimeoutException;
import dev.wrenn.sdk.WrennException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class ApiErrorsTest {
    static byte[] envelope(String code, String message) {
        return ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request, BadRequestException",
        "401, unauthorized, AuthException",
        "403, permission_denied, AuthException",
        "404, not_found, NotFoundException",
        "404, file_not_found, NotFoundException",
        "409, sandbox_not_running, ConflictException",
        "409, template_in_use, ConflictException",
        "429, rate_limited, RateLimitedException",
        "504, execution_timeout, ServerTimeoutException",
        "500, internal_error, ServerException",
        "502, host_agent_error, ServerException",
        "503, template_building, ServerException",
        "507, insufficient_storage, ServerException",
        "413, payload_too_large, WrennException",
    })
    void theEnvelopeBecomesTheExceptionOfItsClassWithCodeMessageAndStatus(int status, String code, String type) {
        WrennException e = ApiErrors.fromResponse(status, envelope(code, "it went wrong"), null);
        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.getMessage()).isEqualTo("it went wrong");
        assertThat(e.toString()).contains(code, "HTTP " + status, "it went wrong");
    }

    @Test
    void aRateLimitCarriesRetryAfter() {
        var e = ApiErrors.fromResponse(429, envelope("rate_limited", "slow down"), ApiErrors.retryAfter("3"));
        assertThat(e)
                .isInstanceOfSatisfying(
                        RateLimitedException.class,
                        r -> assertThat(r.retryAfter()).contains(Duration.ofSeconds(3)));
        assertThat(ApiErrors.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
        assertThat(ApiErrors.retryAfter(null)).isNull();
    }

    @Test
    void aBodyThatIsNotTheEnvelopeStillGivesTheStatusClass() {
        var proxy = ApiErrors.fromResponse(502, "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8), null);
        assertThat(proxy).isInstanceOf(ServerException.class);
        assertThat(proxy.code()).isEqualTo("host_agent_error");
        assertThat(proxy.getMessage()).isEqualTo("<html>Bad Gateway</html>");

        var empty = ApiErrors.fromResponse(404, new byte[0], null);
        assertThat(empty).isInstanceOf(NotFoundException.class);
        assertThat(empty.code()).isEqualTo("not_found");
        assertThat(empty.getMessage()).isEqualTo("HTTP 404");

        var otherJson = ApiErrors.fromResponse(401, "{\"detail\":\"no\"}".getBytes(StandardCharsets.UTF_8), null);
        assertThat(otherJson).isInstanceOf(AuthException.class);
        assertThat(otherJson.code()).isEqualTo("unauthorized");
        assertThat(ApiErrors.fromResponse(418, null, null).code()).isEqualTo("bad_request");
    }

    @Test
    void aCodeWithoutAStatusGetsTheContractsStatus() {
        assertThat(ApiErrors.fromCode("sandbox_not_running", "paused")).isInstanceOf(ConflictException.class);
        assertThat(ApiErrors.fromCode("sandbox_not_running", "paused").status()).isEqualTo(409);
        assertThat(ApiErrors.fromCode("invalid_request", "x")).isInstanceOf(BadRequestException.class);
        assertThat(ApiErrors.fromCode("host_agent_timeout", "x")).isInstanceOf(ServerTimeoutException.class);
        var unknown = ApiErrors.fromCode("something_new", "x");
        assertThat(unknown.getClass()).isEqualTo(WrennException.class);
        assertThat(unknown.status()).isZero();
    }

    /** The server's own error table: every code it can answer has the status the SDK gives it. */
    @Test
    void everyCodeTheServerAnswersHasTheServersStatus() {
        for (ApiError e : ApiError.values()) {
            assertThat(ApiErrors.status(e.code())).as(e.code()).isEqualTo(e.status());
        }
    }

    /** And the contract's: every code api/openapi.yaml lists is known. */
    @Test
    void everyCodeOfTheContractIsKnown() throws Exception {
        Path spec = Path.of(System.getProperty("wrenn.api", "../api/openapi.yaml"));
        JsonNode root = new YAMLMapper().readTree(spec.toFile());
        JsonNode codes = root.at("/components/schemas/Error/properties/error/properties/code/enum");
        List<String> all = new ArrayList<>();
        codes.forEach(c -> all.add(c.asString()));
        assertThat(all).hasSizeGreaterThan(20);
        assertThat(all).allSatisfy(c -> assertThat(ApiErrors.known(c)).as(c).isTrue());
        assertThat(all.size()).isEqualTo(ApiError.values().length);
    }
}
