package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.http.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * A build submitted as {@code multipart/form-data}: fields {@code name}, {@code recipe} (text or a
 * file part), {@code context} (a tar or tar.gz), and optional {@code vcpus}, {@code memory_mb},
 * {@code disk_mb}, {@code no_cache}. The context is read into memory up to the server's limit.
 */
final class BuildForm {
    static final int MAX_RECIPE = 64 * 1024;

    private BuildForm() {}

    static BuildService.Request read(Context ctx, long contextMax) throws IOException {
        String name = null;
        String recipe = null;
        byte[] context = null;
        Integer vcpus = null;
        Integer memoryMb = null;
        Integer diskMb = null;
        boolean noCache = false;
        try {
            var items = new JakartaServletFileUpload<>().getItemIterator(ctx.req());
            while (items.hasNext()) {
                FileItemInput item = items.next();
                String field = item.getFieldName();
                try (InputStream in = item.getInputStream()) {
                    switch (field == null ? "" : field) {
                        case "name" -> name = text(in, 256, field);
                        case "recipe" -> recipe = text(in, MAX_RECIPE, field);
                        case "context" -> context = bytes(in, contextMax);
                        case "vcpus" -> vcpus = number(text(in, 16, field), field);
                        case "memory_mb" -> memoryMb = number(text(in, 16, field), field);
                        case "disk_mb" -> diskMb = number(text(in, 16, field), field);
                        case "no_cache" -> noCache = text(in, 16, field).strip().equals("true");
                        default -> throw ApiException.invalid("unknown multipart field '" + field + "'");
                    }
                }
            }
        } catch (FileUploadException e) {
            throw ApiException.badRequest("malformed multipart body: " + e.getMessage());
        }
        if (name == null) throw ApiException.invalid("multipart field 'name' is required");
        if (recipe == null) throw ApiException.invalid("multipart field 'recipe' is required");
        return new BuildService.Request(name.strip(), recipe, context, vcpus, memoryMb, diskMb, noCache);
    }

    private static String text(InputStream in, int max, String field) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) throw ApiException.invalid("'" + field + "' is longer than " + max + " bytes");
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(InputStream in, long max) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
        if (b.length > max) throw BuildService.contextTooLarge(max);
        return b;
    }

    private static Integer number(String v, String field) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'" + field + "' must be an integer");
        }
    }
}
