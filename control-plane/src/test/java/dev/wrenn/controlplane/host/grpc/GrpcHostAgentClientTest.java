package dev.wrenn.controlplane.host.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.controlplane.host.HostAgentException.Kind;
import dev.wrenn.controlplane.host.HostState;
import dev.wrenn.proto.hostagent.v1.Accel;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import dev.wrenn.proto.hostagent.v1.SandboxState;
import dev.wrenn.proto.hostagent.v1.Template;
import dev.wrenn.proto.hostagent.v1.TemplateType;
import dev.wrenn.proto.hostagent.v1.Timing;
import io.grpc.Status;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The translation from the host agent's wire types: states, statuses, messages. */
class GrpcHostAgentClientTest {

    @Test
    void everyProtoStateHasAHostState() {
        var reached = EnumSet.noneOf(HostState.class);
        for (var s : SandboxState.values()) reached.add(GrpcHostAgentClient.state(s));
        assertThat(reached).containsExactlyInAnyOrder(HostState.values());
        assertThat(GrpcHostAgentClient.state(SandboxState.SANDBOX_STATE_PAUSED)).isEqualTo(HostState.PAUSED);
        assertThat(GrpcHostAgentClient.state(SandboxState.SANDBOX_STATE_STARTING))
                .isEqualTo(HostState.STARTING);
        // What this build cannot read is treated as a VM it cannot use.
        assertThat(GrpcHostAgentClient.state(SandboxState.UNRECOGNIZED)).isEqualTo(HostState.FAILED);
        assertThat(GrpcHostAgentClient.state(SandboxState.SANDBOX_STATE_UNSPECIFIED))
                .isEqualTo(HostState.FAILED);
    }

    @Test
    void statusCodesMapToFailureKinds() {
        assertThat(GrpcErrors.kind(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(Kind.CAPACITY);
        assertThat(GrpcErrors.kind(Status.Code.INVALID_ARGUMENT)).isEqualTo(Kind.INVALID);
        assertThat(GrpcErrors.kind(Status.Code.NOT_FOUND)).isEqualTo(Kind.NOT_FOUND);
        assertThat(GrpcErrors.kind(Status.Code.FAILED_PRECONDITION)).isEqualTo(Kind.CONFLICT);
        assertThat(GrpcErrors.kind(Status.Code.PERMISSION_DENIED)).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(GrpcErrors.kind(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(Kind.TIMEOUT);
        // A full disk is the one kind no code alone names: RESOURCE_EXHAUSTED carries it in a trailer.
        assertThat(Arrays.stream(Status.Code.values()).map(GrpcErrors::kind))
                .as("every other code is a host failure")
                .containsOnlyElementsOf(EnumSet.complementOf(EnumSet.of(Kind.STORAGE)));
        var trailer = new io.grpc.Metadata();
        trailer.put(
                io.grpc.Metadata.Key.of("wrenn-reason", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "insufficient_storage");
        assertThat(GrpcErrors.from(Status.RESOURCE_EXHAUSTED.asRuntimeException(trailer))
                        .kind())
                .isEqualTo(Kind.STORAGE);
        assertThat(GrpcErrors.from(Status.RESOURCE_EXHAUSTED.asRuntimeException())
                        .kind())
                .isEqualTo(Kind.CAPACITY);
        assertThat(GrpcErrors.kind(Status.Code.UNAVAILABLE)).isEqualTo(Kind.FAILED);
        assertThat(GrpcErrors.kind(Status.Code.UNAUTHENTICATED)).isEqualTo(Kind.FAILED);
    }

    @Test
    void aFailureKeepsTheHostsMessageOrTheCode() {
        var e = GrpcErrors.from(
                Status.NOT_FOUND.withDescription("no sandbox 'x'").asRuntimeException());
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.detail()).isEqualTo("no sandbox 'x'");
        assertThat(GrpcErrors.from(Status.UNAVAILABLE.asRuntimeException()).detail())
                .isEqualTo("UNAVAILABLE");
        assertThat(GrpcErrors.from(e)).isSameAs(e);
    }

    @Test
    void sandboxesAndTemplatesAreTranslatedFieldByField() {
        var vm = GrpcHostAgentClient.sandbox(Sandbox.newBuilder()
                .setSandboxId("sb-1")
                .setState(SandboxState.SANDBOX_STATE_RUNNING)
                .setGuestIp("10.0.0.2")
                .setHostIp("10.214.0.1")
                .setTemplate("minimal")
                .setAccel(Accel.ACCEL_TCG)
                .setTiming(Timing.newBuilder().setTotalMs(1234))
                .build());
        assertThat(vm.id()).isEqualTo("sb-1");
        assertThat(vm.state()).isEqualTo(HostState.RUNNING);
        assertThat(vm.guestIp()).isEqualTo("10.0.0.2");
        assertThat(vm.hostIp()).isEqualTo("10.214.0.1");
        assertThat(vm.template()).isEqualTo("minimal");
        assertThat(vm.accel()).isEqualTo("tcg");
        assertThat(vm.bootMs()).isEqualTo(1234);

        var base = GrpcHostAgentClient.template(Template.newBuilder()
                .setName("minimal")
                .setType(TemplateType.TEMPLATE_TYPE_BASE)
                .setSizeBytes(42)
                .build());
        assertThat(base.base()).isTrue();
        assertThat(base.sizeBytes()).isEqualTo(42);
        var saved = GrpcHostAgentClient.template(Template.newBuilder()
                .setName("tpl-1")
                .setType(TemplateType.TEMPLATE_TYPE_SNAPSHOT)
                .setVcpus(2)
                .setMemoryMb(768)
                .build());
        assertThat(saved.base()).isFalse();
        assertThat(saved.vcpus()).isEqualTo(2);
        assertThat(saved.memoryMb()).isEqualTo(768);
    }

    @Test
    void theProxyHostIsTheGrpcTargetsHost() {
        assertThat(ProxyAddress.host("10.0.0.5:50051")).isEqualTo("10.0.0.5");
        assertThat(ProxyAddress.host("agent.internal:50051")).isEqualTo("agent.internal");
        assertThat(ProxyAddress.host("dns:///agent.internal:50051")).isEqualTo("agent.internal");
        assertThat(ProxyAddress.host("[fd00::5]:50051")).isEqualTo("[fd00::5]");
        assertThat(ProxyAddress.host("fd00::5")).isEqualTo("[fd00::5]");
        assertThat(ProxyAddress.host("agent.internal")).isEqualTo("agent.internal");
    }
}
