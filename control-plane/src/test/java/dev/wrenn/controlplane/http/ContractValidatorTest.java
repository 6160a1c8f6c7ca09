package dev.wrenn.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.OpenApiContract;
import org.junit.jupiter.api.Test;

/** The checker the integration tests rely on does catch responses that break the contract. */
class ContractValidatorTest {
    private final OpenApiContract contract = OpenApiContract.get();

    private static tools.jackson.databind.JsonNode json(String s) {
        return ApiClient.JSON.readTree(s);
    }

    @Test
    void acceptsAConformingResponse() {
        var ok = json("{\"token\":\"t\",\"user_id\":\"u\",\"team_id\":\"t\",\"email\":\"a@b.co\"}");
        assertThat(contract.violations("POST", "/v1/auth/signup", 201, ok)).isEmpty();
    }

    @Test
    void catchesWrongTypesAndEnumValues() {
        var badToken = json("{\"token\":42,\"user_id\":\"u\",\"team_id\":\"t\",\"email\":\"a@b.co\"}");
        assertThat(contract.violations("POST", "/v1/auth/signup", 201, badToken))
                .isNotEmpty();

        var badStatus = json("{\"id\":\"sb-1\",\"status\":\"flying\",\"vcpus\":1}");
        assertThat(contract.violations("GET", "/v1/sandboxes/sb-1", 200, badStatus))
                .isNotEmpty();

        var badDate = json("{\"id\":\"k\",\"created_at\":\"yesterday\"}");
        assertThat(contract.violationsOf("APIKeyResponse", badDate)).isNotEmpty();
    }

    @Test
    void readsNullableAsAllowingNullAndNothingElse() {
        assertThat(contract.violationsOf("APIKeyResponse", json("{\"id\":\"k\",\"last_used\":null}")))
                .isEmpty();
        assertThat(contract.violationsOf("Sandbox", json("{\"id\":\"s\",\"vcpus\":null}")))
                .isNotEmpty();
    }

    @Test
    void catchesAnErrorBodyOutsideTheEnvelope() {
        var plain = json("{\"message\":\"nope\"}");
        assertThat(contract.violations("POST", "/v1/auth/login", 401, plain)).isNotEmpty();
        var wrongShape = json("{\"error\":\"nope\"}");
        assertThat(contract.violations("POST", "/v1/auth/login", 401, wrongShape))
                .isNotEmpty();
    }

    @Test
    void refusesToValidateAgainstAnUndeclaredRouteOrStatus() {
        assertThatThrownBy(() -> contract.violations("GET", "/v1/unknown", 200, json("{}")))
                .isInstanceOf(AssertionError.class);
        assertThat(contract.violations("POST", "/v1/auth/signup", 200, json("{}")))
                .isNotEmpty();
    }
}
