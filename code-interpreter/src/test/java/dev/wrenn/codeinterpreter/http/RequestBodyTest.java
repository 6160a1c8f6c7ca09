package dev.wrenn.codeinterpreter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request validation, answered as FastAPI (E2B's server) answers it. */
class RequestBodyTest {
    @Test
    void fieldsAreRead() throws Exception {
        RequestBody body = RequestBody.parse(
                "{\"code\":\"1\",\"context_id\":\"\",\"language\":\"python\",\"env_vars\":{\"A\":\"b\"}}");
        assertThat(body.requiredString("code")).isEqualTo("1");
        assertThat(body.optionalString("context_id"))
                .as("empty means not given")
                .isNull();
        assertThat(body.optionalString("language")).isEqualTo("python");
        assertThat(body.optionalString("cwd")).isNull();
        assertThat(body.optionalStringMap("env_vars")).isEqualTo(Map.of("A", "b"));
        assertThat(RequestBody.parse("{\"env_vars\":null}").optionalStringMap("env_vars"))
                .isEmpty();
        assertThat(RequestBody.parse("  ").optionalString("language")).isNull();
    }

    @Test
    void invalidJsonIsA422WithFastApisDetail() {
        HttpError e = catchThrowableOfType(HttpError.class, () -> RequestBody.parse("{\"code\":"));
        assertThat(e.status).isEqualTo(422);
        assertThat(detail(e)).containsEntry("type", "json_invalid").containsEntry("loc", List.of("body"));
        assertThat(detail(e).get("msg")).isEqualTo("JSON decode error");
        assertThat(detail(e)).containsKey("ctx");
    }

    @Test
    void aBodyThatIsNoObjectIsRefused() {
        HttpError e = catchThrowableOfType(HttpError.class, () -> RequestBody.parse("[1]"));
        assertThat(e.status).isEqualTo(422);
        assertThat(detail(e)).containsEntry("type", "model_attributes_type");
    }

    @Test
    void missingAndMistypedFieldsNameTheirPath() throws Exception {
        HttpError missing = catchThrowableOfType(
                HttpError.class, () -> RequestBody.parse("{}").requiredString("code"));
        assertThat(detail(missing))
                .containsEntry("type", "missing")
                .containsEntry("loc", List.of("body", "code"))
                .containsEntry("msg", "Field required");

        HttpError number = catchThrowableOfType(
                HttpError.class, () -> RequestBody.parse("{\"code\":1}").requiredString("code"));
        assertThat(detail(number)).containsEntry("type", "string_type").containsEntry("loc", List.of("body", "code"));

        RequestBody env = RequestBody.parse("{\"env_vars\":{\"A\":1},\"language\":[]}");
        HttpError value = catchThrowableOfType(HttpError.class, () -> env.optionalStringMap("env_vars"));
        assertThat(detail(value)).containsEntry("loc", List.of("body", "env_vars", "A"));
        HttpError list = catchThrowableOfType(HttpError.class, () -> env.optionalString("language"));
        assertThat(detail(list)).containsEntry("type", "string_type");

        HttpError notMap = catchThrowableOfType(
                HttpError.class,
                () -> RequestBody.parse("{\"env_vars\":\"A=b\"}").optionalStringMap("env_vars"));
        assertThat(detail(notMap)).containsEntry("type", "dict_type");
    }

    @Test
    void routeErrorsAreADetailString() {
        HttpError e = HttpError.detail(404, "Not Found");
        assertThat(e.json).isEqualTo(Map.of("detail", "Not Found"));
        assertThat(new HttpError(404, "Context x not found").json)
                .as("plain text")
                .isNull();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(HttpError e) {
        var body = (Map<String, Object>) e.json;
        var list = (List<Map<String, Object>>) body.get("detail");
        assertThat(list).hasSize(1);
        return list.getFirst();
    }
}
