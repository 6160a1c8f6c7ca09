package dev.wrenn.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

    @Test
    void codesAreLowerSnakeCaseAndStatusesAreErrors() {
        for (var e : ApiError.values()) {
            assertThat(e.code()).matches("[a-z]+(_[a-z]+)*");
            assertThat(e.status()).isBetween(400, 599);
        }
        assertThat(ApiError.SANDBOX_NOT_RUNNING.code()).isEqualTo("sandbox_not_running");
    }

    @Test
    void everyCodeIsDocumentedInTheContract() throws Exception {
        String contract = new String(
                HttpApp.class.getResourceAsStream(HttpApp.OPENAPI_RESOURCE).readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        var missing = Arrays.stream(ApiError.values())
                .map(ApiError::code)
                .filter(c -> !contract.contains(c))
                .toList();
        assertThat(missing).as("codes missing from api/openapi.yaml").isEmpty();
    }

    @Test
    void aFrameworkStatusGetsTheGenericCodeOfItsKind() {
        assertThat(ApiError.forStatus(404)).isEqualTo(ApiError.NOT_FOUND);
        assertThat(ApiError.forStatus(405)).isEqualTo(ApiError.METHOD_NOT_ALLOWED);
        assertThat(ApiError.forStatus(418)).isEqualTo(ApiError.BAD_REQUEST);
        assertThat(ApiError.forStatus(599)).isEqualTo(ApiError.INTERNAL_ERROR);
    }
}
