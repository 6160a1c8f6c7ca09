package dev.wrenn.controlplane.e2b;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.network.EgressPolicy;
import dev.wrenn.controlplane.sandbox.GuestUser;
import dev.wrenn.controlplane.sandbox.OnTimeout;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What the E2B create takes, and what it refuses, from the bodies the SDKs send. */
class E2bCreateTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static dev.wrenn.controlplane.sandbox.CreateRequest parse(String body) {
        return E2bCreate.parse(JSON.readTree(body), 300, 86_400);
    }

    @Test
    void anEmptyBodyIsTheBaseTemplateWithE2bsDefaults() {
        var r = parse("{}");
        assertThat(r.template()).isEqualTo("minimal");
        assertThat(r.ttlSec()).isEqualTo(300);
        assertThat(r.timeoutSec()).isZero();
        assertThat(r.onTimeout()).isEqualTo(OnTimeout.KILL);
        assertThat(r.secure()).isTrue();
        assertThat(r.publicTraffic()).isTrue();
        assertThat(r.autoResume()).isFalse();
        assertThat(r.guestUser()).isEqualTo(GuestUser.USER);
    }

    @Test
    void whatSdk250SendsIsAccepted() {
        var r = parse("{\"templateID\":\"base\",\"metadata\":{\"a\":\"1\"},\"envVars\":{\"X\":\"y\"},\"timeout\":60,"
                + "\"secure\":true,\"allow_internet_access\":true,\"autoPause\":true,"
                + "\"autoResume\":{\"enabled\":true}}");
        assertThat(r.ttlSec()).isEqualTo(60);
        assertThat(r.metadata()).containsEntry("a", "1");
        assertThat(r.envVars()).containsEntry("X", "y");
        assertThat(r.onTimeout()).isEqualTo(OnTimeout.PAUSE);
        assertThat(r.autoResume()).isTrue();
    }

    @Test
    void secureFalseAndPrivateTrafficAreHonoured() {
        var r = parse("{\"templateID\":\"my-snap\",\"secure\":false,\"network\":{\"allowPublicTraffic\":false,"
                + "\"allowOut\":[],\"rules\":{}},\"mcp\":null,\"volumeMounts\":[],\"autoPauseMemory\":true}");
        assertThat(r.template()).isEqualTo("my-snap");
        assertThat(r.secure()).isFalse();
        assertThat(r.publicTraffic()).isFalse();
    }

    @Test
    void internetAccessAndEgressListsBecomeTheSandboxsPolicy() {
        var r = parse("{\"allow_internet_access\":false,\"network\":{\"allowOut\":[\"10.1.0.0/16\","
                + "\"API.Example.com.\",\"*.pypi.org\"],\"denyOut\":[\"10.1.2.3\"]}}");
        assertThat(r.network().allowInternetAccess()).isFalse();
        assertThat(r.network().allowOut()).containsExactly("10.1.0.0/16", "api.example.com", "*.pypi.org");
        assertThat(r.network().denyOut()).containsExactly("10.1.2.3");
        assertThat(parse("{}").network()).isEqualTo(EgressPolicy.OPEN);
    }

    @Test
    void everyFieldWrennCannotHonourIsRefusedByName() {
        refused("{\"cpuCount\":2}", "'cpuCount' is not supported");
        refused("{\"timeout\":0}", "'timeout' must be from 1 to 86400 seconds");
        refused("{\"timeout\":-5}", "'timeout' must be from 1");
        refused("{\"timeout\":86401}", "'timeout' must be from 1");
        refused("{\"timeout\":\"60\"}", "'timeout' must be an integer");
        refused("{\"autoPauseMemory\":false}", "'autoPauseMemory'");
        refused("{\"mcp\":{\"server\":{}}}", "'mcp'");
        refused("{\"volumeMounts\":[{\"name\":\"v\",\"path\":\"/data\"}]}", "'volumeMounts'");
        refused("{\"iam\":{\"tokens\":{\"t\":{\"audience\":\"a\",\"tokenType\":\"jwt\"}}}}", "'tokens'");
        refused("{\"network\":{\"allowOut\":[\"8.8.8.8/33\"]}}", "'network.allowOut'");
        refused("{\"network\":{\"denyOut\":\"0.0.0.0/0\"}}", "'network.denyOut' must be an array");
        refused("{\"network\":{\"denyOut\":[\"::/0\"]}}", "IPv6");
        refused("{\"allow_internet_access\":\"no\"}", "'allow_internet_access'");
        refused("{\"network\":{\"maskRequestHost\":\"x\"}}", "'maskRequestHost'");
        refused("{\"network\":{\"egressProxy\":{\"address\":\"p:1080\"}}}", "'egressProxy'");
        refused("{\"network\":{\"somethingNew\":1}}", "'network.somethingNew'");
        refused("{\"autoResume\":{\"enabled\":true,\"timeout\":5}}", "'autoResume.timeout'");
        refused("{\"autoResume\":true}", "'autoResume' must be an object");
        refused("{\"envVars\":{\"bad-name\":\"x\"}}", "'envVars' name 'bad-name'");
        refused("{\"metadata\":{\"k\":1}}", "'metadata.k' must be a string");
    }

    private static void refused(String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .as(body)
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }
}
